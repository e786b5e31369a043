using System.Net;
using SkiaSharp;

namespace MlNetIconclass.Tests.Service;

/// <summary>Runs alone: the heap it measures is the process's, and tests beside it would allocate into it.</summary>
[CollectionDefinition(nameof(UploadMemoryTests), DisableParallelization = true)]
public sealed class UploadMemoryCollection;

[Collection(nameof(UploadMemoryTests))]
public class UploadMemoryTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task ThreeHundredUploadsLeaveTheHeapAsTheyFoundIt()
    {
        await using var host = await HostileRequestTests.ImageHostAsync();
        var image = HostileRequestTests.Png(48, 40, new SKColor(230, 30, 10));
        async Task UploadAsync(int count)
        {
            for (int i = 0; i < count; i++)
            {
                var response = await host.Client.PostAsync(
                    "/v1/projects/tiny/suggest-artwork",
                    HostileRequestTests.Artwork(HostileRequestTests.Image(image, "red.png"), withTitle: false)
                );
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
        await UploadAsync(20);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        await UploadAsync(300);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(after - before < 64L * 1024 * 1024, $"{(after - before) / 1e6:0.0} MB kept after 300 uploads");
    }
}
