using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;

namespace MlNetIconclass.Tests.Notebooks;

/// <summary>
/// Runs every notebook in <c>notebooks/</c> top to bottom in a fresh C# kernel, as Polyglot Notebooks would, and
/// fails on the first failing cell, so the notebooks cannot rot. What differs from a user's session is where the
/// notebook's <c>#r</c> lines find the built library: in this test's output rather than the tool's.
/// </summary>
[Trait("Category", "Slow")]
public class NotebookTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static string Folder => Path.Combine(Repository.Root, "notebooks");

    public static TheoryData<string> Notebooks() =>
        new(Directory.GetFiles(Folder, "*.ipynb").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task RunsTopToBottomInAFreshKernel(string name)
    {
        var document = Notebook.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, name)));
        using var kernel = new CSharpKernel().UseKernelHelpers();

        var html = new List<string>();
        var cells = document.Elements.Where(e => e.KernelName is null or "csharp").ToArray();
        Assert.NotEmpty(cells);
        for (int i = 0; i < cells.Length; i++)
        {
            string code = string.Join('\n', cells[i].Contents.Split('\n').Select(ToTestBuild));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = await kernel.SendAsync(new SubmitCode(code));
            output.WriteLine($"{name}, code cell {i + 1}: {clock.Elapsed.TotalSeconds:0.0} s");
            var failure = result.Events.OfType<CommandFailed>().FirstOrDefault();
            Assert.True(failure is null, $"{name}, code cell {i + 1} failed: {failure?.Message}\n---\n{code}");
            html.AddRange(
                result
                    .Events.OfType<DisplayEvent>()
                    .SelectMany(e => e.FormattedValues)
                    .Where(v => v.MimeType == "text/html")
                    .Select(v => v.Value)
            );
        }
        Assert.Contains(html, value => value.Contains("data:image/png;base64,", StringComparison.Ordinal));
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

    /// <summary>
    /// A reference to an assembly in the repository's build output (<c>#r "../src/.../X.dll"</c>) becomes a reference
    /// to the same assembly in this test's output, which holds the same build of the library.
    /// </summary>
    private static string ToTestBuild(string line)
    {
        const string prefix = "#r \"../src/";
        if (!line.TrimStart().StartsWith(prefix, StringComparison.Ordinal))
            return line;
        string file = Path.GetFileName(line.Trim().TrimEnd('"'));
        return $"#r \"{Path.Combine(AppContext.BaseDirectory, file)}\"";
    }
}
