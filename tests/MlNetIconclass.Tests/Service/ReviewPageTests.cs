using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using MlNetIconclass.Features;
using MlNetIconclass.Models;
using MlNetIconclass.Service;
using MlNetIconclass.Tests.Training;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Service;

/// <summary>
/// Runs a test when the system's Chromium is there (Debian's <c>chromium</c>, which <c>.ci/run</c> installs), else
/// skips it, except under CI, where a missing browser fails the test rather than hiding it.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (ReviewPageService.Chromium is null && Environment.GetEnvironmentVariable("CI") is null)
            Skip = "no chromium on this machine (apt-get install chromium chromium-driver, as .ci/run does)";
    }
}

/// <summary>
/// The service over a real port with the page's three projects, all learning from files of their own and retuning:
/// <c>suriname</c> (a copy of the bundled model), <c>images</c> (the tiny model that reads images) and
/// <c>zeroshot</c> (a tiny model trained on no collection that has learnt records, not yet retuned); and a headless
/// Chromium.
/// </summary>
public sealed class ReviewPageService : IAsyncLifetime
{
    public static string? Chromium { get; } =
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    private readonly TempFolder _folder = new();
    private readonly List<IconclassModel> _models = [];
    private ServiceOptions? _options;
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string Address => $"http://127.0.0.1:{_options!.Port}/";

    /// <summary>Where the screenshots go: the test output, beside the test assembly.</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        var projects = new List<ServedProject>();
        foreach (
            var (id, save) in new (string, Action<string>)[]
            {
                ("suriname", path => File.Copy(BundledModels.Default, path)),
                ("images", path => TinyImageModel.Shared.Save(path)),
                ("zeroshot", SaveLearntZeroShot),
            }
        )
        {
            string path = _folder.File($"{id}.iconclass");
            save(path);
            var model = IconclassModel.Load(
                path,
                BundledThesaurus.Instance,
                new ModelLoadOptions { Device = ComputeDevice.Cpu }
            );
            _models.Add(model);
            projects.Add(new ServedProject(id, model, modelPath: path));
        }
        _options = new ServiceOptions
        {
            Projects = projects,
            Host = "127.0.0.1",
            Port = ServiceHost.FreePort(),
            AllowLearn = true,
            Retune = (model, cancellation) => HybridRetuning.Retune(model, cancellation: cancellation),
        };
        _app = SuggestionService.Create(_options, BundledThesaurus.Instance);
        await _app.StartAsync();
        Directory.CreateDirectory(Screenshots);
        if (Chromium is null)
            throw new InvalidOperationException(
                "The review page's tests need Chromium: apt-get install chromium chromium-driver (as .ci/run does)."
            );
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true }
        );
    }

    /// <summary>A record the <c>zeroshot</c> project has learnt, and the labels it learnt it with.</summary>
    public (string Title, IReadOnlyList<string> Labels) Learnt { get; private set; }

    private void SaveLearntZeroShot(string path)
    {
        using var learned = TinyModels.SharedZeroShot.Learn(TinyModels.TrainRecordsAsync().GetAwaiter().GetResult());
        var (record, labels) = learned.Memory.Items[0];
        Learnt = (record.Titles[0].Text, labels);
        learned.Save(path);
    }

    public async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.DisposeAsync();
            _playwright.Dispose();
        }
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        foreach (var project in _options?.Projects ?? [])
            project.Model.Dispose();
        _folder.Dispose();
    }
}

/// <summary>The review page in a real headless Chromium, as a cataloguer uses it.</summary>
[Trait("Category", "Slow")]
public class ReviewPageTests(ReviewPageService service) : IClassFixture<ReviewPageService>
{
    private const string Title = "Gezicht op een suikerplantage";

    private async Task<IPage> OpenAsync(int width = 1280, int height = 900)
    {
        var page = await service.Browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = width, Height = height },
            }
        );
        await page.GotoAsync(service.Address);
        // The projects and languages are filled in once the page has asked the service.
        await page.WaitForSelectorAsync(
            "#project option",
            new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached }
        );
        return page;
    }

    private static async Task SuggestAsync(IPage page, string title = Title)
    {
        await page.FillAsync("input[name=title]", title);
        await page.SelectOptionAsync("#title-0-language", "nl");
        await page.ClickAsync("#suggest");
        await page.WaitForSelectorAsync("#suggestions li[data-notation]");
    }

    /// <summary>A script that gives each suggestion's notation and confidence, in order, on one line.</summary>
    private const string ListSuggestions =
        "() => [...document.querySelectorAll('#suggestions li[data-notation]')]"
        + ".map(i => i.dataset.notation + ' ' + i.querySelector('.confidence span').textContent).join('; ')";

    private static Task<string> SuggestionsAsync(IPage page) => page.EvaluateAsync<string>(ListSuggestions);

    [BrowserFact]
    public async Task ADutchTitleIsAnsweredWithDefinitionsPathsConfidenceAndExplanations()
    {
        var page = await OpenAsync();
        await SuggestAsync(page);

        var plantation = page.Locator("#suggestions li[data-notation='25K182']");
        await plantation.WaitForAsync();
        Assert.Contains("Plantage", await plantation.Locator(".definition").TextContentAsync());
        Assert.Equal("2 > 25 > 25K > 25K1 > 25K18 > 25K182", await plantation.Locator(".path").TextContentAsync());
        Assert.NotNull(await plantation.Locator("meter").GetAttributeAsync("aria-label"));
        await plantation.Locator("summary").ClickAsync();
        Assert.Contains("Share of the score", await plantation.Locator("details").TextContentAsync());
        await page.ScreenshotAsync(
            new PageScreenshotOptions
            {
                Path = Path.Combine(ReviewPageService.Screenshots, "desktop.png"),
                FullPage = true,
            }
        );

        // An unknown notation is refused next to the field it was typed in.
        await page.FillAsync("#code", "99ZZ");
        await page.PressAsync("#code", "Enter");
        await page.Locator("#code-error:not(:empty)").WaitForAsync();
        Assert.Contains("99ZZ", await page.Locator("#code-error").TextContentAsync());

        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}");
        Assert.Empty(serious);
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task AtAPhonesWidthThePageFitsAndReads()
    {
        var page = await OpenAsync(390, 844);
        await SuggestAsync(page);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await page.ScreenshotAsync(
            new PageScreenshotOptions
            {
                Path = Path.Combine(ReviewPageService.Screenshots, "phone.png"),
                FullPage = true,
            }
        );
        var axe = await page.RunAxe();
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => v.Id));
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task AcceptingAndSavingChangesTheSameTitlesSuggestions()
    {
        var page = await OpenAsync();
        await page.SelectOptionAsync("#project", "suriname");
        await SuggestAsync(page);
        string before = await SuggestionsAsync(page);

        await page.ClickAsync("#suggestions li[data-notation='25K182'] button.accept");
        Assert.Equal(
            "true",
            await page.GetAttributeAsync("#suggestions li[data-notation='25K182'] button.accept", "aria-pressed")
        );
        await page.FillAsync("#code", "25G4(SUGARCANE)");
        await page.ClickAsync("#add-code button");
        await page.Locator("#accepted li[data-notation='25G4(SUGARCANE)']").WaitForAsync();
        await page.ClickAsync("#save");
        await page.Locator("#save-status:has-text('Saved')").WaitForAsync();

        await page.ClickAsync("#suggest");
        await page.WaitForFunctionAsync($"before => ({ListSuggestions})() !== before", before);
        string after = await SuggestionsAsync(page);
        Assert.NotEqual(before, after);
        Assert.Contains("25G4(SUGARCANE)", after);

        // The session's accepted codes, as CSV.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export"));
        string csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains("\"25K182\"", csv);
        Assert.StartsWith("artwork,notation,definition", csv);
        await page.CloseAsync();
    }

    /// <summary>
    /// A project that started zero-shot says that what it learnt waits for its weights to be chosen again; the button
    /// does so, and a learnt title then finds its codes.
    /// </summary>
    [BrowserFact]
    public async Task AZeroShotProjectCountsWhatItLearntOnceItsWeightsAreChosenAgain()
    {
        var page = await OpenAsync();
        await page.SelectOptionAsync("#project", "zeroshot");
        Assert.Contains("once its weights are chosen again", await page.Locator("#project-note").TextContentAsync());
        await SuggestAsync(page, service.Learnt.Title);
        string before = await SuggestionsAsync(page);

        await page.ClickAsync("#retune");
        await page.Locator("#retune-status:has-text('Chosen again')").WaitForAsync();

        Assert.Equal(
            "This project learns: saved codes count in its next suggestions.",
            await page.Locator("#project-note").TextContentAsync()
        );
        await page.ClickAsync("#suggest");
        await page.WaitForFunctionAsync($"before => ({ListSuggestions})() !== before", before);
        string after = await SuggestionsAsync(page);
        Assert.Contains(service.Learnt.Labels, label => after.Contains(label + " ") && !before.Contains(label + " "));
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task AnUploadThatIsNotAnImageIsShownNextToThePhotographField()
    {
        var page = await OpenAsync();
        await page.SelectOptionAsync("#project", "images");
        await page.FillAsync("input[name=title]", Title);
        await page.SetInputFilesAsync(
            "#image",
            new FilePayload
            {
                Name = "notes.txt",
                MimeType = "text/plain",
                Buffer = "not a photograph"u8.ToArray(),
            }
        );
        await page.ClickAsync("#suggest");
        var error = page.Locator("#image-error:not(:empty)");
        await error.WaitForAsync();
        Assert.NotEmpty((await error.TextContentAsync())!);
        Assert.Equal(0, await page.Locator("#suggestions li[data-notation]").CountAsync());
        await page.CloseAsync();
    }
}
