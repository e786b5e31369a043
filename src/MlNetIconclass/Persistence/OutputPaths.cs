namespace MlNetIconclass.Persistence;

/// <summary>
/// Checks of where a command will write, made before any work starts, so that a mistake in a path costs nothing
/// rather than an hour of training or scoring.
/// </summary>
public static class OutputPaths
{
    /// <summary>
    /// The file can be written: it is not a folder, its folder exists, and a file can be created there.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="what">What the file is, for the message ("output", "model file", "--report").</param>
    public static void CheckFile(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException($"The {what} path is empty.");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new IOException($"The {what} '{path}' is a folder; name the file to write.");
        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                $"The folder of the {what} '{path}' does not exist; create '{folder}' first."
            );
        CheckWritable(folder, what, path);
    }

    /// <summary>The file is none of the files a command reads: writing it would replace one of them.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="inputs">The files the command reads; null for an optional input not given.</param>
    /// <param name="inputsName">The inputs as the message names them ("the input", "one of the shards").</param>
    public static void CheckNotAnInput(string path, IEnumerable<string?> inputs, string inputsName = "the input")
    {
        string full = Path.GetFullPath(path);
        if (inputs.OfType<string>().Any(input => Path.GetFullPath(input) == full))
            throw new ArgumentException(
                $"The output '{path}' is {inputsName}: it would be replaced; write to another file."
            );
    }

    /// <summary>
    /// The folder can be written: it is not a file, and the nearest part of it that exists takes new files (the rest
    /// is created when written).
    /// </summary>
    public static void CheckFolder(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException($"The {what} path is empty.");
        string full = Path.GetFullPath(path);
        string? existing = full;
        while (existing is not null && !Directory.Exists(existing))
        {
            if (File.Exists(existing))
                throw new IOException($"The {what} '{path}' cannot be made: '{existing}' is a file.");
            existing = Path.GetDirectoryName(existing);
        }
        if (existing is not null)
            CheckWritable(existing, what, path);
    }

    /// <summary>Creates and deletes a file there: permissions, read-only mounts and full quotas all show.</summary>
    private static void CheckWritable(string folder, string what, string path)
    {
        string probe = Path.Combine(folder, $".write-check-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"The {what} '{path}' cannot be written: {exception.Message}", exception);
        }
    }
}
