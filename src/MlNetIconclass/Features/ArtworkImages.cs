using System.Security.Cryptography;
using Microsoft.ML.Data;
using SkiaSharp;

namespace MlNetIconclass.Features;

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
/// truncated file, or a huge one each give a problem naming the record and the file, and the record goes on without
/// its image. Grayscale, CMYK, 16-bit and transparent images are converted to opaque 8-bit colour (transparency over
/// white). ImageAnalytics' <c>LoadImages</c> is not used for this because it decodes at full size and one bad file
/// fails the whole cursor; the decoded images go on through ML.NET's <c>ResizeImages</c> and <c>ExtractPixels</c>.
/// </summary>
public static class ArtworkImages
{
    /// <summary>Images are decoded at no more than about this many pixels (JPEG decodes at a reduced scale).</summary>
    public const int MaxDecodedPixels = 4096 * 4096;

    /// <summary>Files above this size are not read at all.</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    /// <summary>Where an image reference points, or why it points nowhere usable.</summary>
    public static (string? Path, string? Problem) Resolve(string reference, string? baseFolder)
    {
        if (Uri.TryCreate(reference, UriKind.Absolute, out var uri) && uri.Scheme.Length > 1)
        {
            if (!uri.IsFile)
                return (null, $"'{reference}' is a {uri.Scheme} URI; images must be local files (download them first)");
            reference = uri.LocalPath;
        }
        string path =
            Path.IsPathRooted(reference) || baseFolder is null ? reference : Path.Combine(baseFolder, reference);
        if (!File.Exists(path))
            return (null, $"the image file '{path}' does not exist");
        return (path, null);
    }

    public static LoadedImage Load(string recordId, string reference, string? baseFolder)
    {
        var (path, problem) = Resolve(reference, baseFolder);
        if (path is null)
            return new LoadedImage(recordId, reference, null, null, problem);
        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
            return new LoadedImage(
                recordId,
                reference,
                null,
                null,
                $"the image file '{path}' is {length / (1024 * 1024)} MB, over the {MaxFileBytes / (1024 * 1024)} MB "
                    + $"limit"
            );
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new LoadedImage(
                recordId,
                reference,
                null,
                null,
                $"the image file '{path}' cannot be read: {exception.Message}"
            );
        }
        var (image, decodeProblem) = Decode(bytes);
        return decodeProblem is null
            ? new LoadedImage(recordId, reference, image, Convert.ToHexString(SHA256.HashData(bytes)), null)
            : new LoadedImage(recordId, reference, null, null, $"the image file '{path}' {decodeProblem}");
    }

    /// <summary>Decodes an encoded image into opaque 8-bit BGRA, scaled down when it is huge.</summary>
    public static (MLImage? Image, string? Problem) Decode(byte[] bytes)
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
        if ((long)size.Width * size.Height > 4L * MaxDecodedPixels)
            return (
                null,
                $"is too large to decode ({codec.Info.Width} x {codec.Info.Height} pixels, and its format cannot be "
                    + $"decoded at a smaller scale)"
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
        using (var paint = new SKPaint { FilterQuality = SKFilterQuality.Medium })
        {
            canvas.Clear(SKColors.White);
            canvas.DrawBitmap(decoded, new SKRect(0, 0, target.Width, target.Height), paint);
        }
        return (
            MLImage.CreateFromPixels(target.Width, target.Height, MLPixelFormat.Bgra32, opaque.GetPixelSpan()),
            null
        );
    }
}
