namespace MlNetIconclass;

/// <summary>
/// Where the files that ship with the library lie: beside this assembly, which is not always the application's
/// folder (a notebook kernel or a host application may load the library from elsewhere).
/// </summary>
public static class BundledFiles
{
    public static string Folder { get; } =
        Path.GetDirectoryName(typeof(BundledFiles).Assembly.Location) is { Length: > 0 } folder
            ? folder
            : AppContext.BaseDirectory;

    public static string PathOf(params string[] parts) => Path.Combine([Folder, .. parts]);
}
