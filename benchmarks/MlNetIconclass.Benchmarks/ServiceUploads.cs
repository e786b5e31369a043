using System.Diagnostics;
using System.Net.Http.Headers;
using SkiaSharp;

namespace MlNetIconclass.Benchmarks;

/// <summary>
/// <c>serve-uploads CLI MODEL IMAGE</c>: the service (<c>iconclass serve</c>, run from CLI as a process of its own)
/// serving MODEL, a model trained with images, measured from outside: the time from <c>/health</c> saying ready to the
/// first suggest's answer; its resident memory before and after 300 uploads of IMAGE (after 20 to warm up), and after
/// four concurrent 8000 x 8000 PNG uploads; and p50 / p99 of text suggests from 8 clients alone and while 4 clients
/// upload images (the ratio is the second over the first, measured in the same run).
/// </summary>
internal static class ServiceUploads
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("usage: serve-uploads CLI MODEL IMAGE");
            return 2;
        }
        string cli = Path.GetFullPath(args[1]);
        string model = Path.GetFullPath(args[2]);
        byte[] image = await File.ReadAllBytesAsync(args[3]);
        int port = ServiceLoad.FreePort();
        using var service = Process.Start(
            new ProcessStartInfo(cli, ["serve", "--model", $"bench={model}", "--port", $"{port}"])
            {
                RedirectStandardError = true,
            }
        )!;
        service.ErrorDataReceived += (_, _) => { };
        service.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };
        try
        {
            var started = Stopwatch.StartNew();
            while (!await IsReadyAsync(http))
                await Task.Delay(20);
            var ready = started.Elapsed;
            var first = Stopwatch.StartNew();
            await SuggestAsync(http, "Gezicht op een suikerplantage");
            Console.WriteLine(
                $"ready after {ready.TotalSeconds:0.0} s; first suggest after ready: {first.ElapsedMilliseconds} ms"
            );
            first.Restart();
            await UploadAsync(http, image, "first.jpg");
            Console.WriteLine($"first upload: {first.ElapsedMilliseconds} ms");

            for (int i = 0; i < 20; i++)
                await UploadAsync(http, image, "warm.jpg");
            long before = ResidentBytes(service);
            for (int i = 0; i < 300; i++)
                await UploadAsync(http, image, "same.jpg");
            long after = ResidentBytes(service);
            Console.WriteLine(
                $"resident memory: {Mb(before)} MB after 20 uploads, {Mb(after)} MB after 300 more: "
                    + $"{Mb(after - before):+0;-0} MB"
            );

            byte[] huge = HugePng();
            var statuses = await Task.WhenAll(
                Enumerable.Range(0, 4).Select(async i => await UploadStatusAsync(http, huge, $"huge-{i}.png"))
            );
            long afterHuge = ResidentBytes(service);
            Console.WriteLine(
                $"4 concurrent 8000 x 8000 PNG uploads ({huge.Length / 1024} KB each): "
                    + $"{string.Join(", ", statuses.Select(s => $"{s.Status} in {s.Milliseconds} ms"))}; resident "
                    + $"{Mb(afterHuge)} MB ({Mb(afterHuge - after):+0;-0} MB)"
            );

            var texts = Enumerable.Range(0, 400).Select(i => $"Gezicht op plantage {i}").ToArray();
            var alone = await ServiceLoad.MeasureAsync(texts, 8, text => SuggestAsync(http, text));
            using var stop = new CancellationTokenSource();
            var uploaders = Enumerable
                .Range(0, 4)
                .Select(i =>
                    Task.Run(async () =>
                    {
                        while (!stop.IsCancellationRequested)
                            await UploadAsync(http, image, $"load-{i}.jpg");
                    })
                )
                .ToArray();
            var loaded = await ServiceLoad.MeasureAsync(texts, 8, text => SuggestAsync(http, text));
            await stop.CancelAsync();
            await Task.WhenAll(uploaders);
            Console.WriteLine("| text suggests, 8 clients | p50 ms | p99 ms |");
            Console.WriteLine("|---|---:|---:|");
            Console.WriteLine($"| alone | {alone.P50:0.0} | {alone.P99:0.0} |");
            Console.WriteLine($"| while 4 clients upload images | {loaded.P50:0.0} | {loaded.P99:0.0} |");
            Console.WriteLine($"| ratio | {loaded.P50 / alone.P50:0.00} | {loaded.P99 / alone.P99:0.00} |");
            return 0;
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }
    }

    private static async Task<bool> IsReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/health");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task SuggestAsync(HttpClient http, string text)
    {
        using var response = await http.PostAsync(
            "/v1/projects/bench/suggest",
            new FormUrlEncodedContent([KeyValuePair.Create("text", text)])
        );
        response.EnsureSuccessStatusCode();
    }

    private static async Task UploadAsync(HttpClient http, byte[] image, string name)
    {
        var (status, _) = await UploadStatusAsync(http, image, name);
        if (status != 200)
            throw new InvalidOperationException($"an upload was answered {status}");
    }

    private static async Task<(int Status, long Milliseconds)> UploadStatusAsync(
        HttpClient http,
        byte[] image,
        string name
    )
    {
        var part = new ByteArrayContent(image);
        part.Headers.ContentType = MediaTypeHeaderValue.Parse(name.EndsWith(".png") ? "image/png" : "image/jpeg");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Heilige"), "title_nl" },
            { part, "image", name },
        };
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync("/v1/projects/bench/suggest-artwork", form);
        await response.Content.ReadAsByteArrayAsync();
        return ((int)response.StatusCode, clock.ElapsedMilliseconds);
    }

    /// <summary>A single-colour 8000 x 8000 PNG: tens of KB on the wire, 256 MB decoded.</summary>
    private static byte[] HugePng()
    {
        using var bitmap = new SKBitmap(8000, 8000, SKColorType.Gray8, SKAlphaType.Opaque);
        bitmap.Erase(SKColors.Gray);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>VmRSS of the process, from /proc.</summary>
    private static long ResidentBytes(Process process) =>
        long.Parse(
            File.ReadLines($"/proc/{process.Id}/status")
                .First(line => line.StartsWith("VmRSS:", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]
        ) * 1024;

    private static long Mb(long bytes) => bytes / (1024 * 1024);
}
