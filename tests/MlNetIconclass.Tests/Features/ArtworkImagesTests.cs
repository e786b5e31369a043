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
        Assert.NotNull(ArtworkImages.Load("r", "a.png", new ImageAccess(folder.Path)).Image);
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
        Assert.Contains(
            "is empty, or not a regular file",
            ArtworkImages.Load("r", folder.Write("empty.png", ""), null).Problem
        );
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

    [Fact]
    public async Task DevicesAndFifosAreNeitherReadNorWaitedOn()
    {
        Assert.Contains("not a regular file", ArtworkImages.Load("r", "/dev/zero", null).Problem);
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = new TempFolder();
        string fifo = folder.File("pipe.jpg");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
            mkfifo.WaitForExit();
        // Opening a FIFO with no writer blocks for ever: the load must not open it at all.
        var loaded = await Task.Run(() => ArtworkImages.Load("r", fifo, null)).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("not a regular file", loaded.Problem);
    }

    [Fact]
    public void TheImageRootRefusesEveryPathThatLeavesIt()
    {
        using var folder = new TempFolder();
        string root = Directory.CreateDirectory(folder.File("images")).FullName;
        string outside = TestImages.Write(folder.File("outside.png"), SKColors.Blue);
        TestImages.Write(Path.Combine(root, "inside.png"), SKColors.Red);
        File.CreateSymbolicLink(Path.Combine(root, "link.png"), outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "up"), folder.Path);
        var access = new ImageAccess(root, root);

        Assert.NotNull(ArtworkImages.Load("r", "inside.png", access).Image);
        Assert.NotNull(ArtworkImages.Load("r", Path.Combine(root, "inside.png"), access).Image);
        foreach (
            var reference in new[]
            {
                "../outside.png",
                outside,
                new Uri(outside).AbsoluteUri,
                "link.png",
                "up/outside.png",
                "/etc/hostname",
                "../../../../etc/passwd",
                "/no/such/file.png",
            }
        )
        {
            var loaded = ArtworkImages.Load("r", reference, access);
            Assert.Null(loaded.Image);
            // The same words whether or not the file exists: the answer tells nothing about what lies outside.
            Assert.Equal($"'{reference}' is outside the image root", loaded.Problem);
        }
    }

    [Fact]
    public void LargeImagesAreDecodedWithinThePixelBudget()
    {
        using var folder = new TempFolder();
        var records = Enumerable
            .Range(0, 8)
            .Select(i => new MlNetIconclass.Collections.ArtworkRecord
            {
                Id = $"r{i}",
                Image = TestImages.Write(folder.File($"{i}.png"), new SKColor((byte)(i * 30), 90, 40), 500, 400),
            })
            .ToArray();
        long onePicture = 500 * 400;
        using var featurizer = new ImageFeaturizer(ImageModelOptions.ResNet18, ComputeDevice.Cpu);
        var unbounded = new ArtworkImageFeatures(featurizer, new ImageAccess());
        var bounded = new ArtworkImageFeatures(featurizer, new ImageAccess(), decodedPixelBudget: 2 * onePicture);
        unbounded.Prepare(records);
        bounded.Prepare(records);

        Assert.Equal(8 * onePicture, unbounded.PeakDecodedPixels);
        Assert.Equal(2 * onePicture, bounded.PeakDecodedPixels);
        Assert.All(records, record => Assert.Equal(unbounded.For(record), bounded.For(record)));
    }
}
