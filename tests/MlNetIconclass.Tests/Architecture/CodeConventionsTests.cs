using System.Text.RegularExpressions;

namespace MlNetIconclass.Tests.Architecture;

/// <summary>
/// The conventions of .editorconfig that the formatter cannot keep by itself (it does not wrap comments or strings).
/// </summary>
public partial class CodeConventionsTests
{
    private const int LineLimit = 120;

    private static IEnumerable<string> SourceFiles() =>
        new[] { "src", "tests", "benchmarks" }
            .SelectMany(folder =>
                Directory.EnumerateFiles(Path.Combine(Repository.Root, folder), "*.cs", SearchOption.AllDirectories)
            )
            .Where(path =>
                !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
            );

    [Fact]
    public void NoLineIsLongerThanTheLimit()
    {
        var longLines = SourceFiles()
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, number: i + 1, line.Length)))
            .Where(line => line.Length > LineLimit)
            .Select(line => $"{Path.GetRelativePath(Repository.Root, line.path)}:{line.number} ({line.Length})")
            .ToArray();
        Assert.Empty(longLines);
    }

    [GeneratedRegex(@"^\s*(?:internal|public) static class (\w+Command)\b", RegexOptions.Multiline)]
    private static partial Regex CommandClass();

    [Fact]
    public void EachCommandHasItsOwnFile()
    {
        var commands = Path.Combine(Repository.Root, "src", "MlNetIconclass.Cli", "Commands");
        foreach (var path in Directory.GetFiles(commands, "*Command.cs"))
            Assert.Equal(
                [Path.GetFileNameWithoutExtension(path)],
                CommandClass().Matches(File.ReadAllText(path)).Select(m => m.Groups[1].Value)
            );
    }
}
