using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MlNetIconclass.Collections;
using MlNetIconclass.Models;
using MlNetIconclass.Service;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Benchmarks;

/// <summary>
/// <c>serve-load [REQUESTS]</c>: <c>suggest</c> requests per second and p50 / p99 latency at 1, 8 and 64 concurrent
/// clients, against the service over a real port and, in the same run, against calling the library in process
/// (<see cref="IconclassModel.Rank"/>, one record a call) on the same texts; the ratio is the service's throughput
/// over the library's. The bundled model ranks both.
/// </summary>
internal static class ServiceLoad
{
    private static readonly int[] Clients = [1, 8, 64];

    public static async Task<int> RunAsync(string[] args)
    {
        int requests = args.Length > 1 ? int.Parse(args[1]) : 512;
        var thesaurus = IconclassThesaurus.LoadBundled();
        using var model = IconclassModel.Load(BundledModels.Default, thesaurus);
        var texts = (await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname))
            .Select(r => r.Titles.FirstOrDefault()?.Text)
            .OfType<string>()
            .Where(t => t.Length > 0)
            .Take(requests)
            .ToArray();
        string language = model.Manifest.Languages[0];

        int port = FreePort();
        var options = new ServiceOptions
        {
            Projects = [new ServedProject("bench", model)],
            Host = "127.0.0.1",
            Port = port,
        };
        await using var app = SuggestionService.Create(options, thesaurus);
        await app.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };

        // Warm up both paths (ONNX Runtime sessions, the BM25 index of the language, JIT, connections).
        foreach (var text in texts.Take(32))
        {
            model.Rank(Record(text, language), 10);
            await SuggestAsync(http, text);
        }

        Console.WriteLine(
            $"{texts.Length} suggest requests per level, bundled model, {Environment.ProcessorCount} cores"
        );
        Console.WriteLine(
            "| clients | library req/s | p50 ms | p99 ms | service req/s | p50 ms | p99 ms | service / library |"
        );
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int clients in Clients)
        {
            var library = await MeasureAsync(
                texts,
                clients,
                text =>
                {
                    model.Rank(Record(text, language), 10);
                    return Task.CompletedTask;
                }
            );
            var service = await MeasureAsync(texts, clients, text => SuggestAsync(http, text));
            Console.WriteLine(
                $"| {clients} | {library.PerSecond:N0} | {library.P50:0.0} | {library.P99:0.0} | "
                    + $"{service.PerSecond:N0} | {service.P50:0.0} | {service.P99:0.0} | "
                    + $"{service.PerSecond / library.PerSecond:0.00} |"
            );
        }
        await app.StopAsync();
        return 0;
    }

    private static ArtworkRecord Record(string text, string language) =>
        new() { Id = "q", Titles = [new LocalizedText(language, text)] };

    private static async Task SuggestAsync(HttpClient http, string text)
    {
        using var response = await http.PostAsync(
            "/v1/projects/bench/suggest",
            new FormUrlEncodedContent([KeyValuePair.Create("text", text), KeyValuePair.Create("limit", "10")])
        );
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>
    /// Every text once, by <paramref name="clients"/> callers taking the next text as they finish one.
    /// </summary>
    internal static async Task<(double PerSecond, double P50, double P99)> MeasureAsync(
        IReadOnlyList<string> texts,
        int clients,
        Func<string, Task> call
    )
    {
        var latencies = new double[texts.Count];
        int next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(
            Enumerable
                .Range(0, clients)
                .Select(_ =>
                    Task.Run(async () =>
                    {
                        for (
                            int i = Interlocked.Increment(ref next);
                            i < texts.Count;
                            i = Interlocked.Increment(ref next)
                        )
                        {
                            long start = Stopwatch.GetTimestamp();
                            await call(texts[i]);
                            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                        }
                    })
                )
        );
        double seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return (texts.Count / seconds, latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)]);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
