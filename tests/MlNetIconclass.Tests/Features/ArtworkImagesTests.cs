using MlNetIconclass.Features;
using SkiaSharp;

namespace MlNetIconclass.Tests.Features;

public class ArtworkImagesTests
{
    [Fact]
    public void MissingFileNamesRecordAndFile()
    {
        var loaded = ArtworkImages.Load("SK-1", "/no/such/image.jpg", null);
        Assert.Null(loaded.Image);
        Assert.Contains("'/no/such/image.jpg' does not exist", loaded.Problem);
    }

    [Fact]
    public void WebUriIsRefusedWithAHint()
    {
        var loaded = ArtworkImages.Load("SK-2", "https://example.org/a.jpg", null);
        Assert.Null(loaded.Image);
        Assert.Contains("is a https URI", loaded.Problem);
        Assert.Contains("download", loaded.Problem);
    }

    [Fact]
    public void FileUriAndRelativePathsResolve()
    {
        using var folder = new TempFolder();
        string path = TestImages.Write(folder.File("a.png"), SKColors.Red);
        Assert.NotNull(ArtworkImages.Load("r", new Uri(path).AbsoluteUri, null).Image);
        Assert.NotNull(ArtworkImages.Load("r", "a.png", folder.Path).Image);
    }

    [Fact]
    public void TruncatedAndNonImageFilesAreReported()
    {
        using var folder = new TempFolder();
        var bytes = File.ReadAllBytes(
            TestImages.Write(folder.File("whole.jpg"), SKColors.Green, 200, 150, format: SKEncodedImageFormat.Jpeg)
        );
        File.WriteAllBytes(folder.File("half.jpg"), bytes[..(bytes.Length / 2)]);
        Assert.Contains("is truncated", ArtworkImages.Load("r", folder.File("half.jpg"), null).Problem);
        Assert.Contains(
            "not a readable image",
            ArtworkImages.Load("r", folder.Write("text.jpg", "not an image"), null).Problem
        );
        Assert.Contains("not a readable image", ArtworkImages.Load("r", folder.Write("empty.png", ""), null).Problem);
    }

    [Theory]
    [InlineData(SKColorType.Gray8, SKAlphaType.Opaque, SKEncodedImageFormat.Png)]
    [InlineData(SKColorType.Gray8, SKAlphaType.Opaque, SKEncodedImageFormat.Jpeg)]
    [InlineData(SKColorType.Rgba8888, SKAlphaType.Premul, SKEncodedImageFormat.Webp)]
    public void OtherPixelFormatsDecodeToColour(
        SKColorType colorType,
        SKAlphaType alphaType,
        SKEncodedImageFormat format
    )
    {
        using var folder = new TempFolder();
        var loaded = ArtworkImages.Load(
            "r",
            TestImages.Write(
                folder.File("image"),
                SKColors.Gray,
                colorType: colorType,
                alphaType: alphaType,
                format: format
            ),
            null
        );
        Assert.Null(loaded.Problem);
        Assert.Equal((64, 48), (loaded.Image!.Width, loaded.Image.Height));
        Assert.Equal(Microsoft.ML.Data.MLPixelFormat.Bgra32, loaded.Image.PixelFormat);
    }

    [Fact]
    public void SixteenBitPngDecodes()
    {
        using var folder = new TempFolder();
        var loaded = ArtworkImages.Load(
            "r",
            TestImages.WriteSixteenBitPng(folder.File("deep.png"), 20, 10, 0x8080),
            null
        );
        Assert.Null(loaded.Problem);
        Assert.Equal((20, 10), (loaded.Image!.Width, loaded.Image.Height));
        Assert.InRange(loaded.Image.Pixels[0], 126, 130);
    }

    [Fact]
    public void CmykJpegDecodes()
    {
        var loaded = ArtworkImages.Load("r", TestImages.Cmyk, null);
        Assert.Null(loaded.Problem);
        Assert.Equal((16, 12), (loaded.Image!.Width, loaded.Image.Height));
    }

    [Fact]
    public void TransparencyIsShownOverWhite()
    {
        using var folder = new TempFolder();
        var loaded = ArtworkImages.Load("r", TestImages.Write(folder.File("clear.png"), SKColors.Transparent), null);
        var pixels = loaded.Image!.Pixels;
        Assert.Equal([255, 255, 255, 255], pixels[..4].ToArray());
    }

    [Fact]
    public void HugeJpegIsDecodedAtAReducedScale()
    {
        using var folder = new TempFolder();
        var loaded = ArtworkImages.Load(
            "r",
            TestImages.Write(folder.File("huge.jpg"), SKColors.Blue, 6000, 5000, format: SKEncodedImageFormat.Jpeg),
            null
        );
        Assert.Null(loaded.Problem);
        Assert.True((long)loaded.Image!.Width * loaded.Image.Height <= ArtworkImages.MaxDecodedPixels);
        Assert.Equal(6000.0 / 5000, (double)loaded.Image.Width / loaded.Image.Height, 2);
    }
}
