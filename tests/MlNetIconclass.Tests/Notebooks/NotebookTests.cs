using System.Text.Json.Nodes;

namespace MlNetIconclass.Tests.Notebooks;

/// <summary>
/// Runs every notebook in <c>notebooks/</c> top to bottom in a fresh C# kernel in a process of its own, as Polyglot
/// Notebooks would, against the library packed as NuGet packages, and fails on the first failing cell, so the
/// notebooks cannot rot. What differs from a user's session is the package source and version the notebook's
/// <c>#i</c> and <c>#r "nuget:"</c> lines name: a fresh pack of this commit, under a version of its own, so NuGet's
/// cache cannot hand back an older build.
/// </summary>
[Trait("Category", "Slow")]
public class NotebookTests(NotebookTests.Packages packages, Xunit.Abstractions.ITestOutputHelper output)
    : IClassFixture<NotebookTests.Packages>
{
    private static string Folder => Path.Combine(Repository.Root, "notebooks");

    public static TheoryData<string> Notebooks() =>
        new(Directory.GetFiles(Folder, "*.ipynb").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task RunsTopToBottomFromThePackedPackage(string name)
    {
        await packages.Packed.Value;
        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(
            "dotnet",
            NotebookRunner,
            Path.Combine(Folder, name),
            "--replace",
            $"../artifacts/packages={packages.Source}",
            "--replace",
            $", 1.0.0\"=, {packages.Version}\""
        );
        output.WriteLine(stdout);
        Assert.True(exitCode == 0, $"{name}: {stderr}\n{stdout}");
        // Every notebook draws at least one chart.
        Assert.Matches(@"charts: [1-9]", stdout);
    }

    [Fact]
    public void NotebooksReferenceTheLibraryAsAPackage()
    {
        foreach (var path in Directory.GetFiles(Folder, "*.ipynb"))
        {
            string text = File.ReadAllText(path);
            Assert.Contains("#r \\\"nuget: MlNetIconclass, 1.0.0\\\"", text);
            Assert.DoesNotContain("bin/Release", text);
        }
    }

    [Fact]
    public void NotebooksAreCommittedWithoutOutputs()
    {
        foreach (var path in Directory.GetFiles(Folder, "*.ipynb"))
        {
            var cells = JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray();
            Assert.All(
                cells.Where(c => (string?)c!["cell_type"] == "code"),
                cell =>
                {
                    Assert.Empty(cell!["outputs"]!.AsArray());
                    Assert.Null(cell["execution_count"]);
                }
            );
        }
    }

    /// <summary>The configuration this test project was built in, which built the projects it references too.</summary>
    private static string Configuration =>
        typeof(NotebookTests)
            .Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .OfType<System.Reflection.AssemblyConfigurationAttribute>()
            .Single()
            .Configuration;

    /// <summary>The runner that this test project builds (tests/MlNetIconclass.NotebookRunner).</summary>
    private static string NotebookRunner =>
        Path.Combine(
            Repository.Root,
            "tests",
            "MlNetIconclass.NotebookRunner",
            "bin",
            Configuration,
            "net10.0",
            "MlNetIconclass.NotebookRunner.dll"
        );

    /// <summary>
    /// MlNetIconclass and MlNetIconclass.Training packed once for the notebooks from this test run's build, under a
    /// version no other run uses, and removed from NuGet's cache afterwards. On a host whose libstdc++ predates GCC 13
    /// the TorchSharp package in the cache gets the fix the build gives its outputs (build/torchsharp-glibcxx; a no-op
    /// on newer hosts), as the training notebook tells its users.
    /// </summary>
    public sealed class Packages : IDisposable
    {
        private readonly TempFolder _folder = new();

        public Packages() => Packed = new(PackAsync);

        public string Version { get; } = $"1.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

        public string Source => _folder.Path;

        public Lazy<Task> Packed { get; }

        private static string NuGetCache =>
            Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
                ? packages
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        private async Task PackAsync()
        {
            foreach (var project in new[] { "MlNetIconclass", "MlNetIconclass.Training" })
            {
                var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(
                    "dotnet",
                    "pack",
                    Path.Combine(Repository.Root, "src", project),
                    // The build this test run made: packing it costs seconds, a Release build a minute.
                    "--no-build",
                    "-c",
                    Configuration,
                    "-o",
                    Source,
                    $"-p:Version={Version}"
                );
                Assert.True(exitCode == 0, $"dotnet pack {project}: {stderr}\n{stdout}");
            }
            foreach (var torchSharp in Directory.GetDirectories(Path.Combine(NuGetCache, "torchsharp")))
            {
                var (exitCode, _, stderr) = await ChildProcess.RunAsync(
                    "bash",
                    Path.Combine(Repository.Root, "build", "torchsharp-glibcxx", "patch-output.sh"),
                    torchSharp
                );
                Assert.True(exitCode == 0, stderr);
            }
        }

        public void Dispose()
        {
            foreach (var id in new[] { "mlneticonclass", "mlneticonclass.training" })
            {
                string cached = Path.Combine(NuGetCache, id, Version.ToLowerInvariant());
                if (Directory.Exists(cached))
                    Directory.Delete(cached, recursive: true);
            }
            _folder.Dispose();
        }
    }
}
