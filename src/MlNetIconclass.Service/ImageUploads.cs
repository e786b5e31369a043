using Microsoft.AspNetCore.Http;
using MlNetIconclass.Features;

namespace MlNetIconclass.Service;

/// <summary>
/// Uploaded images while they are ranked. Each is checked before it is kept: its size read from the header against
/// the service's pixel limit before a pixel is decoded, and at most a few decoded at a time in the process. It is
/// written under a name the service makes up (a client's file name never reaches the file system) into a folder only
/// the service's user can read, and the model's features of it are forgotten with the file once it is ranked.
/// </summary>
internal sealed class ImageUploads(ServiceOptions options) : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly SemaphoreSlim _decodes = new(options.MaxConcurrentImageDecodes);

    /// <summary>Creates the upload folder, or narrows an existing one, so that only this user can read it.</summary>
    public static void PrepareFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        Directory.CreateDirectory(folder, OwnerOnly | UnixFileMode.UserExecute);
        File.SetUnixFileMode(folder, OwnerOnly | UnixFileMode.UserExecute);
    }

    /// <summary>The upload checked and written to a file of its own; the client's mistakes are refused.</summary>
    public async Task<string> SaveAsync(IFormFile file, CancellationToken cancellation)
    {
        if (file.Length == 0)
            throw new ClientError(400, "image", "the uploaded file is empty");
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellation);
        byte[] bytes = buffer.ToArray();
        await _decodes.WaitAsync(cancellation);
        try
        {
            var (decoded, problem) = ArtworkImages.Decode(bytes, options.MaxImagePixels);
            decoded?.Dispose();
            if (problem is not null)
                throw new ClientError(400, "image", $"the upload {problem}");
        }
        finally
        {
            _decodes.Release();
        }
        string path = Path.Combine(options.UploadFolder, $"{Guid.NewGuid():N}.upload");
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            create.UnixCreateMode = OwnerOnly;
        await using (var stream = new FileStream(path, create))
            await stream.WriteAsync(bytes, cancellation);
        return path;
    }

    /// <summary>Removes the upload's file and what the model computed from it.</summary>
    public static void Forget(string path, ServedProject project)
    {
        project.Model.Images?.Forget(path);
        File.Delete(path);
    }

    public void Dispose() => _decodes.Dispose();
}
