using Microsoft.AspNetCore.Http;
using MlNetIconclass.Features;

namespace MlNetIconclass.Service;

/// <summary>
/// Uploaded images, checked before they are ranked: each one's size read from its header against the service's pixel
/// limit before a pixel is decoded, and at most a few decoded at a time in the process. An upload stays in memory,
/// under a reference the service makes up (<c>upload:</c> and a GUID; a client's file name never reaches the file
/// system), and goes with its request: nothing is written, nothing kept.
/// </summary>
internal sealed class ImageUploads(ServiceOptions options) : IDisposable
{
    private readonly SemaphoreSlim _decodes = new(options.MaxConcurrentImageDecodes);

    /// <summary>The upload's reference and bytes, checked; the client's mistakes are refused.</summary>
    public async Task<(string Reference, byte[] Bytes)> ReadAsync(IFormFile file, CancellationToken cancellation)
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
        return ($"upload:{Guid.NewGuid():N}", bytes);
    }

    public void Dispose() => _decodes.Dispose();
}
