using System.Numerics.Tensors;
using MlNetIconclass.Features;
using SkiaSharp;

namespace MlNetIconclass.Tests.Features;

public class ImageFeaturizerTests
{
    private static readonly Lazy<ImageFeaturizer> Shared = new(() =>
        new ImageFeaturizer(ImageModelOptions.ResNet18, ComputeDevice.Cpu)
    );

    [Fact]
    public void FeaturesOfUsableImagesAndNullForTheOthers()
    {
        using var folder = new TempFolder();
        var images = new[]
        {
            ArtworkImages.Load("a", TestImages.Write(folder.File("red.png"), SKColors.Red), null),
            ArtworkImages.Load("b", folder.File("missing.png"), null),
            ArtworkImages.Load("c", TestImages.Cmyk, null),
        };
        var features = Shared.Value.Featurize(images);
        Assert.Equal(512, features[0]!.Length);
        Assert.Null(features[1]);
        Assert.Equal(512, features[2]!.Length);
        Assert.All(features[0]!, value => Assert.True(float.IsFinite(value)));
    }

    [Fact]
    public void SamePaintingAtHalfSizeHasNearlyTheSameFeatures()
    {
        using var folder = new TempFolder();
        string Saint(string id) =>
            Path.Combine(
                Path.GetDirectoryName(MlNetIconclass.Collections.BundledSamples.Saints)!,
                "saints",
                id + ".jpg"
            );
        using (var original = SKBitmap.Decode(Saint("Q9026835")))
        using (
            var half = original.Resize(
                new SKImageInfo(original.Width / 2, original.Height / 2),
                new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)
            )
        )
        using (var encoded = half.Encode(SKEncodedImageFormat.Jpeg, 80))
            File.WriteAllBytes(folder.File("half.jpg"), encoded.ToArray());
        var features = Shared.Value.Featurize([
            ArtworkImages.Load("full", Saint("Q9026835"), null),
            ArtworkImages.Load("half", folder.File("half.jpg"), null),
            ArtworkImages.Load("other", Saint("Q510799"), null),
        ]);
        float same = TensorPrimitives.CosineSimilarity(features[0], features[1]);
        float different = TensorPrimitives.CosineSimilarity(features[0], features[2]);
        Assert.True(same > 0.9f && same > different, $"same painting {same}, another painting {different}");
    }

    [Fact]
    public void CacheGivesBackWhatWasComputed()
    {
        using var folder = new TempFolder();
        var image = ArtworkImages.Load("a", TestImages.Write(folder.File("green.png"), SKColors.Green), null);
        var first = new ImageFeaturizer(ImageModelOptions.ResNet18, ComputeDevice.Cpu, folder.File("cache")).Featurize([
            image,
        ])[0]!;
        Assert.Single(Directory.GetFiles(folder.File("cache"), "*.f32", SearchOption.AllDirectories));
        var cached = new ImageFeatureCache(folder.File("cache"), ImageModelOptions.ResNet18.Name).TryGet(
            image.ContentHash!
        );
        Assert.Equal(first, cached);
    }

    [Fact]
    public void MissingModelFileIsNamed()
    {
        var model = ImageModelOptions.ResNet18 with { Name = "mine", ModelPath = "/no/model.onnx" };
        var error = Assert.Throws<FileNotFoundException>(() => new ImageFeaturizer(model, ComputeDevice.Cpu));
        Assert.Contains("/no/model.onnx", error.Message);
    }
}
