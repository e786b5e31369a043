namespace MlNetIconclass.Persistence;

/// <summary>
/// Writes a file under a temporary name, flushes it to the disk, then renames it, so an interrupted write never leaves
/// a file that looks whole, and once written the file survives the process.
/// </summary>
internal static class AtomicFile
{
    public static async Task WriteAsync(string path, Func<Stream, Task> write)
    {
        string temporary = path + ".partial";
        try
        {
            await using (var stream = File.Create(temporary))
            {
                await write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
