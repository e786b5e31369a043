using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using MlNetIconclass.Collections;
using MlNetIconclass.Models;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Service;
using MlNetIconclass.Tests.Training;
using SkiaSharp;

namespace MlNetIconclass.Tests.Service;

/// <summary>
/// The service under malformed requests and hostile uploads: a client's mistake is a 4xx problem naming the field,
/// never a 500; an image is used or refused, never ignored; uploads are private and forgotten once ranked.
/// </summary>
public class HostileRequestTests
{
    private const string Title = "Gezicht op een suikerplantage";

    private static async Task<JsonNode> ProblemOf(HttpResponseMessage response, int status, string field)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(field == (string)problem["field"]!, (string?)problem["detail"]);
        Assert.StartsWith($"{field}: ", (string)problem["detail"]!);
        return problem;
    }

    internal static byte[] Png(int width, int height, SKColor color)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>An image part with the file name written as is, as a hostile client may.</summary>
    internal static ByteArrayContent Image(byte[] bytes, string fileName)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation(
            "Content-Disposition",
            $"form-data; name=\"image\"; filename=\"{fileName}\""
        );
        return content;
    }

    internal static MultipartFormDataContent Artwork(HttpContent? image = null, bool withTitle = true)
    {
        // Every code, whatever the model's calibrated cutoff.
        var form = new MultipartFormDataContent { { new StringContent("0"), "threshold" } };
        if (withTitle)
            form.Add(new StringContent(Title), "title_nl");
        if (image is not null)
            form.Add(image);
        return form;
    }

    internal static Task<ServiceHost> ImageHostAsync(Func<ServiceOptions, ServiceOptions>? adjust = null) =>
        ServiceHost.StartAsync(TinyImageModel.Shared, adjust);

    [Fact]
    public async Task AMultipartBodyCutShortIs400()
    {
        await using var host = await ServiceHost.StartAsync();
        const string boundary = "cut-here";
        string whole =
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"title_nl\"\r\n\r\n{Title}\r\n--{boundary}--\r\n";
        foreach (var body in new[] { whole[..(whole.Length / 2)], whole[..whole.IndexOf($"--{boundary}--")] })
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
            var response = await host.Client.PostAsync("/v1/projects/tiny/suggest-artwork", content);
            await ProblemOf(response, 400, "body");
        }
    }

    [Theory]
    [InlineData("multipart/form-data")]
    [InlineData("multipart/form-data; boundary=")]
    public async Task AMultipartWithoutAUsableBoundaryIs400Not413(string contentType)
    {
        await using var host = await ServiceHost.StartAsync();
        var content = new StringContent("--x\r\n");
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        await ProblemOf(await host.Client.PostAsync("/v1/projects/tiny/suggest-artwork", content), 400, "body");

        var longBoundary = new StringContent("--x\r\n");
        longBoundary.Headers.ContentType = MediaTypeHeaderValue.Parse(
            $"multipart/form-data; boundary={new string('b', 150)}"
        );
        await ProblemOf(await host.Client.PostAsync("/v1/projects/tiny/suggest-artwork", longBoundary), 400, "body");
    }

    [Fact]
    public async Task ANulInFormTextIs400()
    {
        await using var host = await ServiceHost.StartAsync();
        var content = new StringContent("text=Gezicht%00op", Encoding.ASCII, "application/x-www-form-urlencoded");
        var problem = await ProblemOf(await host.Client.PostAsync("/v1/projects/tiny/suggest", content), 400, "body");
        Assert.Contains("invalid characters", (string)problem["detail"]!);
    }

    [Fact]
    public async Task ContentTypesAreRefusedWith415NamingWhatTheEndpointTakes()
    {
        await using var host = await ServiceHost.StartAsync();
        var missing = new ByteArrayContent(Encoding.ASCII.GetBytes($"text={Title}"));
        var problem = await ProblemOf(
            await host.Client.PostAsync("/v1/projects/tiny/suggest", missing),
            415,
            "Content-Type"
        );
        Assert.Contains("application/x-www-form-urlencoded", (string)problem["detail"]!);

        var multipart = new MultipartFormDataContent { { new StringContent(Title), "text" } };
        problem = await ProblemOf(
            await host.Client.PostAsync("/v1/projects/tiny/suggest", multipart),
            415,
            "Content-Type"
        );
        Assert.Contains("not multipart/form-data", (string)problem["detail"]!);

        var form = new FormUrlEncodedContent([KeyValuePair.Create("title_nl", Title)]);
        problem = await ProblemOf(
            await host.Client.PostAsync("/v1/projects/tiny/suggest-artwork", form),
            415,
            "Content-Type"
        );
        Assert.Contains("multipart/form-data", (string)problem["detail"]!);

        var text = new StringContent("{\"documents\": []}", Encoding.UTF8, "text/plain");
        await ProblemOf(await host.Client.PostAsync("/v1/projects/tiny/suggest-batch", text), 415, "Content-Type");
    }

    [Fact]
    public async Task JsonErrorsSayWhereAndNameNoInternalType()
    {
        await using var host = await ServiceHost.StartAsync();
        foreach (var body in new[] { "{\"documents\": 5}", "[1, 2]", "{\"documents\": [{\"text\": 7}]}" })
        {
            var response = await host.Client.PostAsync(
                "/v1/projects/tiny/suggest-batch",
                new StringContent(body, Encoding.UTF8, "application/json")
            );
            var problem = await ProblemOf(response, 400, "body");
            Assert.DoesNotContain("MlNetIconclass", (string)problem["detail"]!);
            Assert.Contains("$", (string)problem["detail"]!);
        }
    }

    [Fact]
    public async Task TheVocabularyHasOneSizeEverywhere()
    {
        await using var host = await ServiceHost.StartAsync();
        var vocabs = JsonNode.Parse(await host.Client.GetStringAsync("/v1/vocabs"))!["vocabs"]![0]!;
        var project = JsonNode.Parse(await host.Client.GetStringAsync("/v1/projects/tiny"))!["vocab"]!;
        Assert.Equal(TinyModels.Shared.Thesaurus.LabelSpace.Count, (int)vocabs["size"]!);
        Assert.Equal((int)vocabs["size"]!, (int)project["size"]!);
    }

    [Fact]
    public async Task AnImageATextOnlyProjectCannotUseIsRefused()
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await host.Client.PostAsync(
            "/v1/projects/tiny/suggest-artwork",
            Artwork(Image(Png(32, 32, SKColors.Red), "red.png"))
        );
        var problem = await ProblemOf(response, 400, "image");
        Assert.Contains("reads no images", (string)problem["detail"]!);
    }

    [Fact]
    public async Task AnImageSentAsAPlainFieldOrWithoutAFileNameIsRefused()
    {
        await using var host = await ImageHostAsync();
        var plain = Artwork();
        plain.Add(new StringContent("not a file"), "image");
        await ProblemOf(await host.Client.PostAsync("/v1/projects/tiny/suggest-artwork", plain), 400, "image");

        var noName = Artwork(Image(Png(32, 32, SKColors.Red), ""));
        await ProblemOf(await host.Client.PostAsync("/v1/projects/tiny/suggest-artwork", noName), 400, "image");

        var empty = Artwork(Image([], "empty.png"));
        await ProblemOf(await host.Client.PostAsync("/v1/projects/tiny/suggest-artwork", empty), 400, "image");
    }

    [Fact]
    public async Task AnImageOverThePixelLimitIsRefusedFromItsHeader()
    {
        await using var host = await ImageHostAsync(o => o with { MaxImagePixels = 100 * 100 });
        var response = await host.Client.PostAsync(
            "/v1/projects/tiny/suggest-artwork",
            Artwork(Image(Png(400, 300, SKColors.Red), "big.png"))
        );
        var problem = await ProblemOf(response, 400, "image");
        Assert.Contains("400 x 300 pixels", (string)problem["detail"]!);
        Assert.Contains("10,000", (string)problem["detail"]!);
    }

    [Fact]
    public async Task AnImageAloneIsRankedAndClientFileNamesNeverReachTheFileSystem()
    {
        await using var host = await ImageHostAsync();
        // A NUL in the file name makes the form reader drop the part: with nothing else to rank, that is a 400.
        var nul = await host.Client.PostAsync(
            "/v1/projects/tiny/suggest-artwork",
            Artwork(Image(Png(48, 40, new SKColor(230, 30, 10)), "red\0.png"), withTitle: false)
        );
        await ProblemOf(nul, 400, "title_LANG");
        foreach (string name in new[] { $"red.{new string('g', 280)}", "../../etc/passwd", "red.png" })
        {
            var response = await host.Client.PostAsync(
                "/v1/projects/tiny/suggest-artwork",
                Artwork(Image(Png(48, 40, new SKColor(230, 30, 10)), name), withTitle: false)
            );
            Assert.True(response.IsSuccessStatusCode, $"{name}: {await response.Content.ReadAsStringAsync()}");
            var results = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["results"]!.AsArray();
            Assert.NotEmpty(results);
            var codes = results.Select(r => (string)r!["notation"]!).ToList();
            Assert.Contains(TinyImageModel.Red, codes);
        }
    }

    [Fact]
    public async Task UploadsAreRankedFromMemoryAndNeverWritten()
    {
        var spy = new UploadSpy(TinyImageModel.Shared);
        await using var host = await ImageHostAsync(o =>
            o with
            {
                Projects = [new ServedProject("tiny", TinyImageModel.Shared) { Ranker = spy }],
            }
        );
        var response = await host.Client.PostAsync(
            "/v1/projects/tiny/suggest-artwork",
            Artwork(Image(Png(32, 32, SKColors.Blue), "blue.png"))
        );
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The warm-up's upload and the request's: each one a made-up reference, in memory with its call alone.
        Assert.Equal(2, spy.Uploads.Count);
        foreach (var (reference, inMemory) in spy.Uploads)
        {
            Assert.StartsWith("upload:", reference);
            Assert.Equal([reference], inMemory);
            Assert.False(File.Exists(reference));
        }
    }

    /// <summary>Notes each upload's reference and what its call held in memory, then lets the model rank.</summary>
    private sealed class UploadSpy(IArtworkRanker inner) : IArtworkRanker
    {
        public List<(string Reference, IReadOnlyList<string> InMemory)> Uploads { get; } = [];

        public string Name => inner.Name;

        public string Fingerprint => inner.Fingerprint;

        public bool ReadsImages => inner.ReadsImages;

        public IReadOnlyList<RankedArtwork> Rank(IReadOnlyList<ArtworkRecord> records, RankingOptions options)
        {
            foreach (var record in records.Where(r => r.Image is not null))
                Uploads.Add((record.Image!, options.Images.InMemory.Keys.ToArray()));
            return inner.Rank(records, options);
        }
    }

    [Fact]
    public async Task EveryProjectIsWarmedUpBeforeTheServiceAnswers()
    {
        var counter = new CountingRanker();
        await using var host = await ServiceHost.StartAsync(adjust: o =>
            o with
            {
                Projects = [new ServedProject("tiny", TinyModels.Shared) { Ranker = counter }],
            }
        );
        Assert.Equal(1, counter.Calls);
    }

    private sealed class CountingRanker : IArtworkRanker
    {
        public int Calls { get; private set; }

        public string Name => "counting";

        public string Fingerprint => "counting";

        public bool ReadsImages => false;

        public IReadOnlyList<RankedArtwork> Rank(IReadOnlyList<ArtworkRecord> records, RankingOptions options)
        {
            Calls++;
            return records.Select(_ => new RankedArtwork([], [])).ToArray();
        }
    }

    /// <summary>A request written on a socket as is, and what the server answers before it closes.</summary>
    private static async Task<string> RawAsync(int port, string request, bool halfClose = false)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        if (halfClose)
            socket.Client.Shutdown(SocketShutdown.Send);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task OverARealPortAClientThatHalfClosesGetsItsAnswer()
    {
        await using var host = await ServiceHost.StartAsync(realPort: true);
        string body = $"text={Uri.EscapeDataString(Title)}";
        string answer = await RawAsync(
            host.Options.Port,
            "POST /v1/projects/tiny/suggest HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + $"Content-Length: {body.Length}\r\n\r\n{body}",
            halfClose: true
        );
        Assert.StartsWith("HTTP/1.1 200", answer);
        Assert.Contains("\"results\":[{", answer);
    }

    [Fact]
    public async Task OverARealPortALongUrlAndLargeHeadersAreProblems()
    {
        await using var host = await ServiceHost.StartAsync(realPort: true);
        var longUrl = await host.Client.GetAsync($"/v1/projects/{new string('p', 10_000)}");
        await ProblemOf(longUrl, 414, "url");

        using var large = new HttpRequestMessage(HttpMethod.Get, "/v1/projects");
        for (int i = 0; i < 10; i++)
            large.Headers.Add($"X-Padding-{i}", new string('h', 4_000));
        await ProblemOf(await host.Client.SendAsync(large), 431, "headers");
    }
}
