using System.Security.Cryptography;

namespace MlNetIconclass.Persistence;

/// <summary>
/// Files the library derives and must hand to ONNX Runtime by path (a fine-tuned vision model from a model file), kept
/// in a folder of the user's own (under the local application data folder, readable by the user alone) and named by
/// the SHA-256 of their content: nothing a model file says decides where anything is written, and a file found there
/// is used only if its content still has that hash.
/// </summary>
internal static class PrivateCache
{
    public static string Folder(string name)
    {
        string root = Environment.GetFolderPath(
            Environment.SpecialFolder.LocalApplicationData,
            Environment.SpecialFolderOption.Create
        );
        if (root.Length == 0)
            root = Path.Combine(Path.GetTempPath(), $"mlneticonclass-{Environment.UserName}");
        string folder = Path.Combine(root, "mlneticonclass", name);
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(folder);
        else
            Directory.CreateDirectory(
                folder,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            );
        return folder;
    }

    /// <summary>
    /// The path of <paramref name="content"/> in the cache folder, written there unless it already is.
    /// </summary>
    public static string Store(string folderName, byte[] content, string extension)
    {
        string hash = Convert.ToHexStringLower(SHA256.HashData(content));
        string path = Path.Combine(Folder(folderName), hash + extension);
        if (!HasContent(path, hash))
            AtomicFile.WriteAsync(path, stream => stream.WriteAsync(content).AsTask()).GetAwaiter().GetResult();
        return path;
    }

    private static bool HasContent(string path, string hash)
    {
        if (!File.Exists(path))
            return false;
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream)) == hash;
    }
}
