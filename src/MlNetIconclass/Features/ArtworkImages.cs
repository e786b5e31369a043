using System.Security.Cryptography;
using Microsoft.ML.Data;
using SkiaSharp;

namespace MlNetIconclass.Features;

/// <summary>
/// Where artworks' images may be read from: a relative path starts from <see cref="Folder"/> (by default the current
/// folder); with a <see cref="Root"/>, an image whose path resolves outside it, symbolic links followed, is refused.
/// A reference found in <see cref="InMemory"/> is read from there and never from a file (a service's uploads).
/// </summary>
public sealed record ImageAccess(string? Folder = null, string? Root = null)
{
    /// <summary>Encoded images by reference, decoded as files are.</summary>
    public IReadOnlyDictionary<string, byte[]> InMemory { get; init; } = new Dictionary<string, byte[]>();

    /// <summary>
    /// The most pixels a codec may decode of an in-memory image (see <see cref="ArtworkImages.Decode"/>).
    /// </summary>
    public long MaxPixels { get; init; } = ArtworkImages.DefaultMaxPixelsDecoded;
}

/// <summary>An artwork's image decoded into 8-bit BGRA, or the reason it could not be.</summary>
public sealed record LoadedImage(
    string RecordId,
    string Reference,
    MLImage? Image,
    string? ContentHash,
    string? Problem
);

/// <summary>
/// Opens the images records point to, so that no image can stop a batch: a URI, a missing file, an unreadable or
/// truncated file, a huge one, one that is not a regular file, or one outside the image root each give a problem
/// naming the record and the file, and the record goes on without its image. Grayscale, CMYK, 16-bit and transparent
/// images are converted to opaque 8-bit colour (transparency over white). ImageAnalytics' <c>LoadImages</c> is not used
/// for this because it decodes at full size and one bad file fails the whole cursor; the decoded images go on through
/// ML.NET's <c>ResizeImages</c> and <c>ExtractPixels</c>.
/// </summary>
public static class ArtworkImages
{
    /// <summary>Images are decoded at no more than about this many pixels (JPEG decodes at a reduced scale).</summary>
    public const int MaxDecodedPixels = 4096 * 4096;

    /// <summary>Files above this size are not read at all.</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    /// <summary>Where an image reference points, or why it points nowhere usable.</summary>
    public static (string? Path, string? Problem) Resolve(string reference, ImageAccess access)
    {
        if (Uri.TryCreate(reference, UriKind.Absolute, out var uri) && uri.Scheme.Length > 1)
        {
            if (!uri.IsFile)
                return (null, $"'{reference}' is a {uri.Scheme} URI; images must be local files (download them first)");
        }
        string local = uri?.IsFile == true ? uri.LocalPath : reference;
        string path;
        try
        {
            path = Path.GetFullPath(
                Path.IsPathRooted(local) || access.Folder is null ? local : Path.Combine(access.Folder, local)
            );
        }
        catch (Exception exception)
            when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return (null, $"'{reference}' is not a file path ({exception.Message})");
        }
        // Refused before anything about the file is looked at, so the answer tells nothing about what lies outside.
        if (access.Root is { } root && !IsWithin(RealPath(path), RealPath(Path.GetFullPath(root))))
            return (null, $"'{reference}' is outside the image root");
        if (!File.Exists(path))
            return (null, $"the image file '{path}' does not exist");
        return (path, null);
    }

    public static LoadedImage Load(string recordId, string reference, ImageAccess? access = null)
    {
        access ??= new ImageAccess();
        if (access.InMemory.TryGetValue(reference, out var uploaded))
            return Decoded(recordId, reference, uploaded, access.MaxPixels, "the uploaded image");
        var (path, problem) = Resolve(reference, access);
        if (path is null)
            return new LoadedImage(recordId, reference, null, null, problem);
        var (bytes, readProblem) = Read(path);
        if (bytes is null)
            return new LoadedImage(recordId, reference, null, null, $"the image file '{path}' {readProblem}");
        return Decoded(recordId, reference, bytes, DefaultMaxPixelsDecoded, $"the image file '{path}'");
    }

    /// <summary>The bytes decoded, or why not, the problem naming where they came from.</summary>
    private static LoadedImage Decoded(string recordId, string reference, byte[] bytes, long maxPixels, string source)
    {
        var (image, problem) = Decode(bytes, maxPixels);
        return problem is null
            ? new LoadedImage(recordId, reference, image, Convert.ToHexString(SHA256.HashData(bytes)), null)
            : new LoadedImage(recordId, reference, null, null, $"{source} {problem}");
    }

    /// <summary>
    /// The file's bytes, as many as its size said when it was looked at and no more. A size of 0 is an empty file, or
    /// not a regular file at all (a device such as /dev/zero, a FIFO, a file of /proc): none of them is opened, so
    /// none can hang the run or fill its memory.
    /// </summary>
    private static (byte[]? Bytes, string? Problem) Read(string path)
    {
        try
        {
            long length = new FileInfo(path).Length;
            if (length == 0)
                return (null, "is empty, or not a regular file");
            if (length > MaxFileBytes)
                return (null, $"is {length / (1024 * 1024)} MB, over the {MaxFileBytes / (1024 * 1024)} MB limit");
            using var handle = File.OpenHandle(path);
            var bytes = new byte[length];
            int read = 0;
            while (read < bytes.Length && RandomAccess.Read(handle, bytes.AsSpan(read), read) is > 0 and var count)
                read += count;
            return (read == bytes.Length ? bytes : bytes[..read], null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot be read: {exception.Message}");
        }
    }

    private static bool IsWithin(string path, string root) =>
        path == root
        || path.StartsWith(
            Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar,
            StringComparison.Ordinal
        );

    /// <summary>The path with every symbolic link along it followed, as the file system will resolve it.</summary>
    private static string RealPath(string fullPath)
    {
        string resolved = Path.GetPathRoot(fullPath) ?? "";
        var rest = new Queue<string>(
            fullPath[resolved.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries)
        );
        for (int links = 0; rest.Count > 0; )
        {
            string next = Path.Combine(resolved, rest.Dequeue());
            FileSystemInfo entry = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (entry.LinkTarget is { } target && links++ < 40)
            {
                // The link's target replaces it; the rest of the path goes on from there.
                string targetPath = Path.GetFullPath(target, resolved);
                var remaining = rest.ToArray();
                resolved = Path.GetPathRoot(targetPath) ?? "";
                rest = new Queue<string>(
                    targetPath[resolved.Length..]
                        .Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries)
                        .Concat(remaining)
                );
                continue;
            }
            resolved = next;
        }
        return resolved;
    }

    /// <summary>
    /// The most pixels <see cref="Decode"/> lets a codec decode by default: four times the decoded limit, for formats
    /// that cannot be decoded at a smaller scale (a PNG is decoded whole, then scaled down).
    /// </summary>
    public const long DefaultMaxPixelsDecoded = 4L * MaxDecodedPixels;

    /// <summary>
    /// Decodes an encoded image into opaque 8-bit BGRA, scaled down when it is huge. The size is read from the header
    /// first: an image the codec cannot decode within <paramref name="maxPixelsDecoded"/> pixels, at any scale it
    /// supports, is refused before a pixel is decoded (a service keeps each upload's memory small with a low limit).
    /// </summary>
    public static (MLImage? Image, string? Problem) Decode(
        byte[] bytes,
        long maxPixelsDecoded = DefaultMaxPixelsDecoded
    )
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
            return (null, "is not a readable image (unknown format or corrupt)");
        var size = codec.Info.Size;
        if (size.Width <= 0 || size.Height <= 0)
            return (null, "has no pixels");
        float scale = MathF.Min(1f, MathF.Sqrt(MaxDecodedPixels / ((float)size.Width * size.Height)));
        if (scale < 1f)
            size = codec.GetScaledDimensions(scale);
        // A codec rounds a scale to the few it supports (a JPEG in eighths): smaller ones until the limit is kept.
        while ((long)size.Width * size.Height > maxPixelsDecoded && scale > 1f / 16)
        {
            scale *= 0.8f;
            size = codec.GetScaledDimensions(scale);
        }
        if ((long)size.Width * size.Height > maxPixelsDecoded)
            return (
                null,
                $"is too large to decode ({codec.Info.Width} x {codec.Info.Height} pixels; at most "
                    + $"{maxPixelsDecoded:N0} are decoded, and its format cannot be decoded at a smaller scale)"
            );

        using var decoded = new SKBitmap(
            new SKImageInfo(size.Width, size.Height, SKColorType.Bgra8888, SKAlphaType.Premul)
        );
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result == SKCodecResult.IncompleteInput)
            return (null, "is truncated");
        if (result != SKCodecResult.Success)
            return (null, $"cannot be decoded ({result})");

        // Within the pixel limit (codecs decode at coarse scales only), transparent pixels over white as a page shows
        // them.
        float fit = MathF.Min(1f, MathF.Sqrt(MaxDecodedPixels / ((float)size.Width * size.Height)));
        var target = new SKSizeI(Math.Max(1, (int)(size.Width * fit)), Math.Max(1, (int)(size.Height * fit)));
        using var opaque = new SKBitmap(
            new SKImageInfo(target.Width, target.Height, SKColorType.Bgra8888, SKAlphaType.Opaque)
        );
        using (var canvas = new SKCanvas(opaque))
        using (var image = SKImage.FromBitmap(decoded))
        {
            canvas.Clear(SKColors.White);
            var bilinearWithMipmaps = new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
            canvas.DrawImage(image, new SKRect(0, 0, target.Width, target.Height), bilinearWithMipmaps);
        }
        return (
            MLImage.CreateFromPixels(target.Width, target.Height, MLPixelFormat.Bgra32, opaque.GetPixelSpan()),
            null
        );
    }
}
