using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MlNetIconclass.Models;
using MlNetIconclass.Service;
using MlNetIconclass.Tests.Training;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Service;

/// <summary>
/// Annif's <c>learn</c>: refused unless the service was started to learn; what it learns ranks at once, is written to
/// the project's model file before the answer, and survives a restart; a bad request keeps nothing.
/// </summary>
public class LearnEndpointTests : IDisposable
{
    private const string Title = "Zwarte kat op een blauwe ladder bij maanlicht";
    private const string Code = "73D6";

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// A copy of the tiny model in a file of its own, and the service serving it, learning and retuning (by
    /// <paramref name="retune"/> where given, else as the command line does).
    /// </summary>
    private async Task<LearningService> ServeLearningAsync(
        string? path = null,
        Func<IconclassModel, CancellationToken, IconclassModel>? retune = null
    )
    {
        var (model, modelPath) = path is null ? TinyModels.LoadCopy(_folder) : (TinyModels.Load(path), path);
        var project = new ServedProject("tiny", model, modelPath: modelPath);
        var host = await ServiceHost.StartAsync(adjust: o =>
            o with
            {
                AllowLearn = true,
                Projects = [project],
                Retune = retune ?? ((model, cancellation) => HybridRetuning.Retune(model, cancellation: cancellation)),
            }
        );
        return new LearningService(host, project);
    }

    /// <summary>The service and its project; stopping it disposes the project's model, the last it learnt.</summary>
    private sealed record LearningService(ServiceHost Host, ServedProject Project) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            Project.Model.Dispose();
        }
    }

    private static object Document(string text, string code, string? id = null) =>
        new
        {
            text,
            subjects = new[] { new { uri = $"http://iconclass.org/{code}", label = "" } },
            document_id = id,
        };

    private static async Task<string> TopCodeAsync(HttpClient client)
    {
        var response = await client.PostAsync(
            "/v1/projects/tiny/suggest",
            new FormUrlEncodedContent([KeyValuePair.Create("text", Title), KeyValuePair.Create("threshold", "0")])
        );
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["results"]!.AsArray();
        return (string)results[0]!["notation"]!;
    }

    private static async Task<JsonNode> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task LearnIsRefusedUnlessTheServiceWasStartedToLearn()
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await host.Client.PostAsJsonAsync("/v1/projects/tiny/learn", new[] { Document(Title, Code) });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("--allow-learn", (string)(await ProblemOf(response))["detail"]!);
        Assert.NotEqual(Code, await TopCodeAsync(host.Client));
    }

    [Fact]
    public async Task ALearnedDocumentChangesTheNextSuggestionAndSurvivesARestart()
    {
        string path;
        await using (var served = await ServeLearningAsync())
        {
            var client = served.Host.Client;
            Assert.NotEqual(Code, await TopCodeAsync(client));
            var response = await client.PostAsJsonAsync(
                "/v1/projects/tiny/learn",
                new[] { Document(Title, Code, "NEW-1") }
            );
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal(Code, await TopCodeAsync(client));
            path = served.Project.ModelPath!;
        }

        await using var restarted = await ServeLearningAsync(path);
        Assert.Equal(Code, await TopCodeAsync(restarted.Host.Client));
        Assert.Contains("NEW-1", restarted.Project.Model.MemoryIds);
    }

    [Fact]
    public async Task RetuneChoosesTheHybridAgainAndWritesItToTheModelFile()
    {
        await using (var host = await ServiceHost.StartAsync())
        {
            var refused = await host.Client.PostAsync("/v1/projects/tiny/retune", null);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("--allow-learn", (string)(await ProblemOf(refused))["detail"]!);
        }

        await using var served = await ServeLearningAsync();
        var (client, project) = (served.Host.Client, served.Project);
        var learnt = await client.PostAsJsonAsync("/v1/projects/tiny/learn", new[] { Document(Title, Code, "NEW-1") });
        Assert.Equal(HttpStatusCode.NoContent, learnt.StatusCode);
        var before = project.Model;

        var response = await client.PostAsync("/v1/projects/tiny/retune", null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.NotSame(before, project.Model);
        Assert.Contains("NEW-1", project.Model.MemoryIds);
        Assert.Equal(Code, await TopCodeAsync(client));
        using var written = TinyModels.Load(project.ModelPath!);
        Assert.Equal(project.Model.Manifest.Weights, written.Manifest.Weights);
        Assert.Equal(project.Model.Manifest.Neighbours, written.Manifest.Neighbours);
        Assert.Equal(project.Model.Manifest.ValidationObjective, written.Manifest.ValidationObjective);
        Assert.Contains("NEW-1", written.MemoryIds);
    }

    /// <summary>
    /// While a retune chooses the hybrid again (here held until the test lets it go), the project's suggestions are
    /// answered by the model before it; the retuned model takes over once it is written.
    /// </summary>
    [Fact]
    public async Task SuggestionsAreAnsweredWhileARetuneRuns()
    {
        using var started = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        await using var served = await ServeLearningAsync(
            retune: (model, cancellation) =>
            {
                started.Release();
                release.Wait(cancellation);
                return HybridRetuning.Retune(model, cancellation: cancellation);
            }
        );
        var (client, project) = (served.Host.Client, served.Project);
        var before = project.Model;

        var retuning = client.PostAsync("/v1/projects/tiny/retune", null);
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(30)), "the retune did not start");
        var suggestion = TopCodeAsync(client);

        Assert.Same(suggestion, await Task.WhenAny(suggestion, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.NotEmpty(await suggestion);
        Assert.Same(before, project.Model);
        release.Release();
        Assert.Equal(HttpStatusCode.NoContent, (await retuning).StatusCode);
        Assert.NotSame(before, project.Model);
    }

    [Theory]
    [InlineData("99ZZ(NOT A CODE", "documents[1].subjects[0].uri")]
    [InlineData("urn:other:73D6", "documents[1].subjects[0].uri")]
    [InlineData("", "documents[1].text")]
    public async Task ABadDocumentIsRefusedNamingItsFieldAndNothingOfTheRequestIsKept(string bad, string field)
    {
        await using var served = await ServeLearningAsync();
        var (host, project) = (served.Host, served.Project);
        byte[] before = await File.ReadAllBytesAsync(project.ModelPath!);
        var document = bad switch
        {
            "" => Document(" ", Code),
            _ when bad.StartsWith("urn:", StringComparison.Ordinal) => new
            {
                text = "Een kat",
                subjects = new[] { new { uri = bad, label = "" } },
                document_id = (string?)null,
            },
            _ => Document("Een kat", bad),
        };
        var response = await host.Client.PostAsJsonAsync(
            "/v1/projects/tiny/learn",
            new[] { Document(Title, Code, "GOOD"), document }
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (string)(await ProblemOf(response))["field"]!);
        Assert.DoesNotContain("GOOD", project.Model.MemoryIds);
        Assert.NotEqual(Code, await TopCodeAsync(host.Client));
        Assert.Equal(before, await File.ReadAllBytesAsync(project.ModelPath!));
    }

    [Fact]
    public async Task MoreDocumentsThanABatchOrABodyOverTheLimitIsRefused()
    {
        await using var served = await ServeLearningAsync();
        var (host, project) = (served.Host, served.Project);
        var many = Enumerable.Range(0, 33).Select(i => Document($"{Title} {i}", Code)).ToArray();
        var tooMany = await host.Client.PostAsJsonAsync("/v1/projects/tiny/learn", many);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal("documents", (string)(await ProblemOf(tooMany))["field"]!);

        var large = new[] { Document(new string('a', 20_001), Code) };
        var tooLong = await host.Client.PostAsJsonAsync("/v1/projects/tiny/learn", large);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLong.StatusCode);
        Assert.Equal("documents[0].text", (string)(await ProblemOf(tooLong))["field"]!);
        Assert.Equal(TinyModels.Shared.MemoryIds.Count(), project.Model.MemoryIds.Count());
    }

    [Fact]
    public async Task TheSameTextTaughtAgainWithoutAnIdReplacesWhatWasLearntFromIt()
    {
        await using var served = await ServeLearningAsync();
        var (host, project) = (served.Host, served.Project);
        int remembered = project.Model.MemoryIds.Count();
        foreach (var code in new[] { "25F23(LION)", Code })
            Assert.Equal(
                HttpStatusCode.NoContent,
                (
                    await host.Client.PostAsJsonAsync("/v1/projects/tiny/learn", new[] { Document(Title, code) })
                ).StatusCode
            );
        Assert.Equal(remembered + 1, project.Model.MemoryIds.Count());
        Assert.Equal(Code, await TopCodeAsync(host.Client));
    }

    [Fact]
    public async Task ConcurrentLearningAndSuggestingNeverSeeHalfAModel()
    {
        await using var served = await ServeLearningAsync();
        var (host, project) = (served.Host, served.Project);
        string before = await TopCodeAsync(host.Client);
        using var stop = new CancellationTokenSource();
        var seen = new List<string>();
        var suggesting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                seen.Add(await TopCodeAsync(host.Client));
        });
        // One record taught again and again, its code alternating: a ranking sees it with one code or the other.
        var codes = new[] { Code, "25F23(LION)" };
        for (int i = 0; i < 8; i++)
            Assert.Equal(
                HttpStatusCode.NoContent,
                (
                    await host.Client.PostAsJsonAsync(
                        "/v1/projects/tiny/learn",
                        new[] { Document(Title, codes[i % 2], "NEW-1") }
                    )
                ).StatusCode
            );
        await stop.CancelAsync();
        await suggesting;

        Assert.NotEmpty(seen);
        Assert.All(seen, top => Assert.Contains(top, codes.Append(before)));
        Assert.Equal(codes[1], await TopCodeAsync(host.Client));
        Assert.Single(project.Model.MemoryIds, id => id == "NEW-1");
    }

    [Fact]
    public void LearningIsRefusedAtStartOnTheBundledModelOrAProjectWithoutAFile()
    {
        foreach (var (path, named) in new[] { (BundledModels.Default, "bundled model"), ((string?)null, "a file") })
        {
            var options = new ServiceOptions
            {
                Projects = [new ServedProject("tiny", TinyModels.Shared, modelPath: path)],
                AllowLearn = true,
            };
            var error = Assert.Throws<ArgumentException>(() =>
                SuggestionService.Create(options, BundledThesaurus.Instance)
            );
            Assert.Contains("--allow-learn", error.Message);
            Assert.Contains(named, error.Message);
        }
    }

    [Fact]
    public void ALearnedModelFileHasANewFingerprint()
    {
        string path = _folder.File("tiny.iconclass");
        TinyModels.Shared.Save(path);
        using var model = IconclassModel.Load(path, BundledThesaurus.Instance);
        using var learned = model.Learn([
            new()
            {
                Id = "NEW-1",
                Titles = [new("nl", Title)],
                Codes = [Code],
            },
        ]);
        string learnedPath = _folder.File("learned.iconclass");
        learned.Save(learnedPath);
        using var loaded = IconclassModel.Load(learnedPath, BundledThesaurus.Instance);
        Assert.NotEqual(model.Fingerprint, loaded.Fingerprint);
    }
}
