using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MlNetIconclass.Collections;
using MlNetIconclass.Models;
using MlNetIconclass.Service;
using MlNetIconclass.Tests.Training;

namespace MlNetIconclass.Tests.Service;

/// <summary>
/// The Annif-compatible API on the in-process test server: the shapes of Annif's OpenAPI document, field by field,
/// and a problem-details body naming the field for every client mistake.
/// </summary>
public class SuggestionServiceTests
{
    private const string Text = "Gezicht op een suikerplantage";

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    private static async Task<JsonNode> JsonOf(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    [Fact]
    public async Task InformationVocabulariesAndProjectsHaveAnnifsShape()
    {
        await using var host = await ServiceHost.StartAsync();
        var info = await JsonOf(await host.Client.GetAsync("/v1/"));
        Assert.Equal("MlNetIconclass REST API (Annif-compatible)", (string)info["title"]!);
        Assert.NotNull((string?)info["version"]);

        var vocabs = (await JsonOf(await host.Client.GetAsync("/v1/vocabs")))["vocabs"]!.AsArray();
        Assert.Equal("iconclass", (string)Assert.Single(vocabs)!["vocab_id"]!);

        var projects = (await JsonOf(await host.Client.GetAsync("/v1/projects")))["projects"]!.AsArray();
        var project = Assert.Single(projects)!;
        Assert.Equal("tiny", (string)project["project_id"]!);
        foreach (var field in new[] { "name", "language", "backend", "vocab", "vocab_language", "is_trained" })
            Assert.NotNull(project[field]);
        Assert.Equal("mlnet-iconclass-ngram", (string)project["backend"]!["backend_id"]!);
        Assert.Equal(
            TinyModels.Shared.Thesaurus.LabelSpace.Count,
            (int)(await JsonOf(await host.Client.GetAsync("/v1/projects/tiny")))["vocab"]!["size"]!
        );
    }

    [Fact]
    public async Task SuggestRanksAsTheLibraryDoesWithScoresInZeroToOne()
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await host.Client.PostAsync(
            "/v1/projects/tiny/suggest",
            Form(("text", Text), ("limit", "5"), ("threshold", "0"), ("language", "nl"))
        );
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await JsonOf(response))["results"]!.AsArray();

        var record = new ArtworkRecord { Id = "q", Titles = [new LocalizedText("nl", Text)] };
        var expected = TinyModels.Shared.Rank(record, 5);
        Assert.Equal(expected.Select(c => c.Code), results.Select(r => (string)r!["notation"]!));
        foreach (var result in results)
        {
            string notation = (string)result!["notation"]!;
            Assert.Equal($"http://iconclass.org/{notation}", (string)result["uri"]!);
            Assert.Equal(BundledThesaurus.Instance.GetText(notation, "nl")!.Text, (string)result["label"]!);
            Assert.InRange((double)result["score"]!, 0, 1);
        }
        var scores = results.Select(r => (double)r!["score"]!).ToArray();
        Assert.Equal(scores.OrderDescending(), scores);

        // The threshold keeps the scores at or above it; the labels follow the language asked for.
        double threshold = scores[1];
        var kept = (
            await JsonOf(
                await host.Client.PostAsync(
                    "/v1/projects/tiny/suggest",
                    Form(
                        ("text", Text),
                        ("threshold", threshold.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    )
                )
            )
        )["results"]!.AsArray();
        Assert.All(kept, r => Assert.True((double)r!["score"]! >= threshold));
        Assert.Equal(2, kept.Count);
    }

    [Fact]
    public async Task WithoutALimitOrThresholdTheModelsCalibratedCutoffApplies()
    {
        var cutoff = TinyModels.Shared.Manifest.Suggestions;
        Assert.NotNull(cutoff);
        await using var host = await ServiceHost.StartAsync();
        var results = (await JsonOf(await host.Client.PostAsync("/v1/projects/tiny/suggest", Form(("text", Text)))))[
            "results"
        ]!.AsArray();

        Assert.InRange(results.Count, 0, cutoff.Limit);
        Assert.All(results, r => Assert.True((double)r!["score"]! >= cutoff.Threshold));
        // The scores are the model's calibrated ones, as the library gives them.
        var record = new ArtworkRecord { Id = "q", Titles = [new LocalizedText("nl", Text)] };
        var expected = TinyModels.Shared.Rank(record, cutoff.Limit).Where(c => c.Score >= cutoff.Threshold);
        Assert.Equal(
            expected.Select(c => Math.Round(c.Score, 4)),
            results.Select(r => Math.Round((double)r!["score"]!, 4))
        );
    }

    [Fact]
    public async Task ExplainTrueAddsAnExplanationToEachResultAndOnlyThen()
    {
        await using var host = await ServiceHost.StartAsync();
        var plain = (
            await JsonOf(
                await host.Client.PostAsync("/v1/projects/tiny/suggest", Form(("text", Text), ("threshold", "0")))
            )
        )["results"]!.AsArray();
        Assert.All(plain, r => Assert.Null(r!["explanation"]));

        var explained = (
            await JsonOf(
                await host.Client.PostAsync(
                    "/v1/projects/tiny/suggest",
                    Form(("text", Text), ("threshold", "0"), ("limit", "3"), ("explain", "true"))
                )
            )
        )["results"]!.AsArray();
        Assert.Equal(3, explained.Count);
        foreach (var result in explained)
        {
            var explanation = result!["explanation"]!;
            Assert.Equal((string)result["notation"]!, (string)explanation["code"]!);
            Assert.Equal(1, explanation["shares"]!.AsObject().Sum(share => (double)share.Value!), 3);
            Assert.NotNull(explanation["voters"]!.AsArray());
            Assert.NotNull(explanation["terms"]!.AsArray());
        }
        var wrong = await host.Client.PostAsync(
            "/v1/projects/tiny/suggest",
            Form(("text", Text), ("explain", "maybe"))
        );
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("explain", (string)(await JsonOf(wrong))["field"]!);
    }

    [Fact]
    public async Task ACodeIsLookedUpWithItsDefinitionAndPathAndAnUnknownOneIs404()
    {
        await using var host = await ServiceHost.StartAsync();
        var code = await JsonOf(await host.Client.GetAsync("/v1/codes/25K182?language=nl"));
        Assert.Equal("Plantage", (string)code["label"]!);
        Assert.False((bool)code["fallback"]!);
        Assert.Equal(
            ["2", "25", "25K", "25K1", "25K18", "25K182"],
            code["path"]!.AsArray().Select(step => (string)step!["notation"]!)
        );

        var unknown = await host.Client.GetAsync("/v1/codes/99ZZ");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("notation", (string)(await JsonOf(unknown))["field"]!);
    }

    [Fact]
    public async Task ATitleInAutoIsRankedInTheLanguageItIsDetectedIn()
    {
        await using var host = await ServiceHost.StartAsync();
        async Task<IEnumerable<string>> NotationsAsync(string field)
        {
            using var form = new MultipartFormDataContent
            {
                { new StringContent(Text), field },
                { new StringContent("0"), "threshold" },
            };
            var response = await host.Client.PostAsync("/v1/projects/tiny/suggest-artwork", form);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await JsonOf(response))["results"]!.AsArray().Select(r => (string)r!["notation"]!).ToArray();
        }
        Assert.Equal(await NotationsAsync("title_nl"), await NotationsAsync("title_auto"));

        // A title without a letter has no language to detect: it is ranked in English, not refused or failed.
        using var digits = new MultipartFormDataContent { { new StringContent("1643"), "title_auto" } };
        Assert.Equal(
            HttpStatusCode.OK,
            (await host.Client.PostAsync("/v1/projects/tiny/suggest-artwork", digits)).StatusCode
        );
    }

    [Fact]
    public async Task SuggestBatchAnswersEachDocumentWithItsId()
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await host.Client.PostAsJsonAsync(
            "/v1/projects/tiny/suggest-batch?limit=3&threshold=0",
            new { documents = new object[] { new { text = Text, document_id = "a" }, new { text = "Paramaribo" } } }
        );
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answers = (await JsonOf(response)).AsArray();
        Assert.Equal(2, answers.Count);
        Assert.Equal("a", (string)answers[0]!["document_id"]!);
        Assert.Null(answers[1]!["document_id"]);
        Assert.All(answers, a => Assert.InRange(a!["results"]!.AsArray().Count, 1, 3));
    }

    [Fact]
    public async Task SuggestArtworkTakesTitlesInSeveralLanguagesADescriptionAndAnImage()
    {
        await using var host = await ServiceHost.StartAsync(TinyImageModel.Shared);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Text), "title_nl" },
            { new StringContent("View of a sugar plantation"), "title_en" },
            { new StringContent("Een molen aan de rivier"), "description_nl" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(SaintImage())), "image", "saint.jpg" },
            { new StringContent("4"), "limit" },
            { new StringContent("0"), "threshold" },
        };
        var response = await host.Client.PostAsync("/v1/projects/tiny/suggest-artwork", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, (await JsonOf(response))["results"]!.AsArray().Count);
    }

    private static StringContent Json(string? text, params string[] languages) =>
        new(
            System.Text.Json.JsonSerializer.Serialize(new { text, languages }),
            System.Text.Encoding.UTF8,
            "application/json"
        );

    [Fact]
    public async Task DetectLanguageScoresTheCandidateLanguagesAsAnnifDoes()
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await host.Client.PostAsync("/v1/detect-language", Json(Text, "en", "nl", "de"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await JsonOf(response))["results"]!.AsArray();
        Assert.Equal(["de", "en", "nl"], results.Select(r => (string)r!["language"]!).Order(StringComparer.Ordinal));
        Assert.Equal("nl", (string)results[0]!["language"]!);
        Assert.Equal(1, results.Sum(r => (double)r!["score"]!), 4);
    }

    private static string SaintImage() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "data", "samples", "saints")).Order().First();

    public static TheoryData<string, Func<HttpClient, Task<HttpResponseMessage>>, int, string> Mistakes() =>
        new()
        {
            {
                "unknown project",
                c => c.PostAsync("/v1/projects/nope/suggest", Form(("text", Text))),
                404,
                "project_id"
            },
            { "missing text", c => c.PostAsync("/v1/projects/tiny/suggest", Form(("limit", "3"))), 400, "text" },
            { "blank text", c => c.PostAsync("/v1/projects/tiny/suggest", Form(("text", "   "))), 400, "text" },
            {
                "text too long",
                c => c.PostAsync("/v1/projects/tiny/suggest", Form(("text", new string('a', 20_001)))),
                413,
                "text"
            },
            {
                "unknown language",
                c => c.PostAsync("/v1/projects/tiny/suggest", Form(("text", Text), ("language", "xx"))),
                400,
                "language"
            },
            {
                "negative limit",
                c => c.PostAsync("/v1/projects/tiny/suggest", Form(("text", Text), ("limit", "-1"))),
                400,
                "limit"
            },
            {
                "threshold over 1",
                c => c.PostAsync("/v1/projects/tiny/suggest", Form(("text", Text), ("threshold", "1.5"))),
                400,
                "threshold"
            },
            {
                "batch over 32",
                c =>
                    c.PostAsJsonAsync(
                        "/v1/projects/tiny/suggest-batch",
                        new { documents = Enumerable.Range(0, 33).Select(i => new { text = $"t{i}" }) }
                    ),
                400,
                "documents"
            },
            {
                "document without text",
                c =>
                    c.PostAsJsonAsync(
                        "/v1/projects/tiny/suggest-batch",
                        new { documents = new object[] { new { text = Text }, new { document_id = "b" } } }
                    ),
                400,
                "documents[1].text"
            },
            {
                "broken JSON",
                c =>
                    c.PostAsync(
                        "/v1/projects/tiny/suggest-batch",
                        new StringContent("{\"documents\": [", System.Text.Encoding.UTF8, "application/json")
                    ),
                400,
                "body"
            },
            {
                "unknown title language",
                c =>
                    c.PostAsync(
                        "/v1/projects/tiny/suggest-artwork",
                        new MultipartFormDataContent { { new StringContent(Text), "title_xx" } }
                    ),
                400,
                "title_xx"
            },
            {
                "an image that cannot be read",
                c =>
                    c.PostAsync(
                        "/v1/projects/tiny/suggest-artwork",
                        new MultipartFormDataContent
                        {
                            { new StringContent(Text), "title_nl" },
                            { new ByteArrayContent("not an image"u8.ToArray()), "image", "x.jpg" },
                        }
                    ),
                400,
                "image"
            },
            {
                "detect-language with six languages",
                c => c.PostAsync("/v1/detect-language", Json(Text, "nl", "en", "de", "fr", "it", "es")),
                400,
                "languages"
            },
            {
                "detect-language in a language the thesaurus lacks",
                c => c.PostAsync("/v1/detect-language", Json(Text, "nl", "xx")),
                400,
                "languages[1]"
            },
            {
                "detect-language without a text",
                c => c.PostAsync("/v1/detect-language", Json(null, "nl")),
                400,
                "text"
            },
            {
                "detect-language sent as a form",
                c => c.PostAsync("/v1/detect-language", Form(("text", Text))),
                415,
                "Content-Type"
            },
            {
                "nothing to rank",
                c =>
                    c.PostAsync(
                        "/v1/projects/tiny/suggest-artwork",
                        new MultipartFormDataContent { { new StringContent("5"), "limit" } }
                    ),
                400,
                "title_LANG"
            },
        };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task AClientMistakeIsAProblemNamingTheField(
        string _,
        Func<HttpClient, Task<HttpResponseMessage>> send,
        int status,
        string field
    )
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await send(host.Client);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await JsonOf(response);
        Assert.Equal(status, (int)problem["status"]!);
        Assert.Equal(field, (string)problem["field"]!);
        Assert.StartsWith($"{field}: ", (string)problem["detail"]!);
    }

    [Fact]
    public async Task StoppingLetsARequestInFlightFinish()
    {
        // The ranker holds the request until the service is stopping: no guess at how long it takes to reach the
        // ranker.
        var holding = new HoldingRanker();
        await using var host = await ServiceHost.StartAsync(adjust: o =>
            o with
            {
                Projects = [new ServedProject("tiny", TinyModels.Shared) { Ranker = holding }],
            }
        );
        holding.HoldNext();
        host.App.Lifetime.ApplicationStopping.Register(holding.Release);
        var request = host.Client.PostAsync("/v1/projects/tiny/suggest", Form(("text", Text), ("threshold", "0")));
        await holding.Ranking.WaitAsync(TimeSpan.FromMinutes(1));
        var stopping = host.App.StopAsync();
        var response = await request;
        await stopping;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty((await JsonOf(response))["results"]!.AsArray());
    }

    /// <summary>The tiny model, holding a ranking (once asked to) until released.</summary>
    private sealed class HoldingRanker : IArtworkRanker
    {
        private readonly TaskCompletionSource _ranking = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _released = new(initialState: true);

        public string Name => TinyModels.Shared.Name;

        public string Fingerprint => TinyModels.Shared.Fingerprint;

        public bool ReadsImages => false;

        /// <summary>Set when a held ranking has begun.</summary>
        public Task Ranking => _ranking.Task;

        public void HoldNext() => _released.Reset();

        public void Release() => _released.Set();

        public IReadOnlyList<RankedArtwork> Rank(IReadOnlyList<ArtworkRecord> records, RankingOptions options)
        {
            if (!_released.IsSet)
                _ranking.TrySetResult();
            _released.Wait();
            return TinyModels.Shared.Rank(records, options);
        }
    }

    [Fact]
    public async Task JsonWhereAFormIsExpectedIs415()
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await host.Client.PostAsJsonAsync("/v1/projects/tiny/suggest", new { text = Text });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ABodyOverTheLimitIs413()
    {
        await using var host = await ServiceHost.StartAsync(adjust: o => o with { MaxBodyBytes = 1_000 });
        var response = await host.Client.PostAsync("/v1/projects/tiny/suggest", Form(("text", new string('a', 5_000))));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body", (string)(await JsonOf(response))["field"]!);
    }

    [Fact]
    public async Task AnInternalErrorIs500WithoutAStackTrace()
    {
        await using var host = await ServiceHost.StartAsync(adjust: o =>
            o with
            {
                Projects = [new ServedProject("tiny", TinyModels.Shared) { Ranker = new FailingRanker() }],
            }
        );
        var response = await host.Client.PostAsync("/v1/projects/tiny/suggest", Form(("text", Text)));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(" at ", body);
        Assert.DoesNotContain(nameof(FailingRanker), body);
        Assert.DoesNotContain("Exception", body);
    }

    /// <summary>A ranker that fails inside once the service has warmed it up, as a bug in a rare case would.</summary>
    private sealed class FailingRanker : IArtworkRanker
    {
        private bool _warm;

        public string Name => "failing";

        public string Fingerprint => "failing";

        public bool ReadsImages => false;

        public IReadOnlyList<RankedArtwork> Rank(IReadOnlyList<ArtworkRecord> records, RankingOptions options)
        {
            if (!_warm)
            {
                _warm = true;
                return records.Select(_ => new RankedArtwork([], [])).ToArray();
            }
            throw new InvalidOperationException($"{nameof(FailingRanker)} failed at {Environment.StackTrace}");
        }
    }

    [Fact]
    public async Task ConcurrentRequestsAreRankedTogetherAndEachGetsItsOwnAnswer()
    {
        await using var host = await ServiceHost.StartAsync(adjust: o =>
            o with
            {
                MaxBatchWait = TimeSpan.FromMilliseconds(50),
            }
        );
        var records = (await TinyModels.TestRecordsAsync()).Take(24).ToArray();
        var answers = await Task.WhenAll(
            records.Select(async record =>
            {
                string text = record.Titles[0].Text;
                var response = await host.Client.PostAsync(
                    "/v1/projects/tiny/suggest",
                    Form(("text", text), ("limit", "3"), ("threshold", "0"))
                );
                return (text, results: (await JsonOf(response))["results"]!.AsArray());
            })
        );
        foreach (var (text, results) in answers)
        {
            var alone = TinyModels.Shared.Rank(
                new ArtworkRecord { Id = "q", Titles = [new LocalizedText("nl", text)] },
                3
            );
            Assert.Equal(alone.Select(c => c.Code), results.Select(r => (string)r!["notation"]!));
        }
    }

    [Fact]
    public async Task TheOpenApiDocumentTheReferenceAndTheHealthEndpointAreServed()
    {
        await using var host = await ServiceHost.StartAsync();
        var document = await JsonOf(await host.Client.GetAsync("/openapi/v1.json"));
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToArray();
        foreach (
            var path in new[]
            {
                "/v1/projects",
                "/v1/projects/{project_id}",
                "/v1/projects/{project_id}/suggest",
                "/v1/projects/{project_id}/suggest-batch",
                "/v1/projects/{project_id}/suggest-artwork",
                "/v1/vocabs",
            }
        )
            Assert.Contains(path, paths);
        Assert.Equal("Healthy", await host.Client.GetStringAsync("/health"));
        var reference = await host.Client.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
    }
}
