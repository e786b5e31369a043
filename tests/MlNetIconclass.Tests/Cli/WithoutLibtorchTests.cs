using System.Text.RegularExpressions;
using MlNetIconclass.Cli;
using MlNetIconclass.Collections;

namespace MlNetIconclass.Tests.Cli;

/// <summary>
/// Ranking runs on ONNX Runtime alone: <c>predict</c>, <c>evaluate</c> and <c>score</c> work from a build output with
/// every libtorch library (and TorchSharp's own native library) taken away, as an inference-only deployment has it.
/// </summary>
public partial class WithoutLibtorchTests
{
    /// <summary>The native libraries of libtorch-cpu-linux-x64, LibTorchSharp and the load fix's shim.</summary>
    [GeneratedRegex(
        @"^lib(torch|c10|gomp|shm|aoti_custom_ops|nnapi_backend|jitbackend_test|backend_with_compiler|LibTorchSharp)"
    )]
    private static partial Regex LibtorchFile();

    [Fact]
    [Trait("Category", "Slow")]
    public async Task PredictEvaluateAndScoreRunWithEveryLibtorchLibraryDeleted()
    {
        using var folder = new TempFolder();
        string build = Path.Combine(folder.Path, "build");
        int left = CopyWithoutLibtorch(AppContext.BaseDirectory, build);
        Assert.True(left > 0, "the build output had no libtorch to leave out");

        var (exitCode, stdout, stderr) = IconclassCli.RunFrom(
            build,
            "predict",
            "--title",
            "nl=Gezicht op een suikerplantage",
            "--top",
            "3"
        );
        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Contains("25K182", stdout);

        (exitCode, stdout, stderr) = IconclassCli.RunFrom(build, "evaluate");
        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Matches(@"R@10\s*│\s*0\.755", stdout);

        string dump = Path.Combine(folder.Path, "dump.parquet");
        await ArtworkParquet.WriteAsync(
            (await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname))[..20],
            dump
        );
        string scored = Path.Combine(folder.Path, "scored.parquet");
        (exitCode, _, stderr) = IconclassCli.RunFrom(build, "score", "--input", dump, "--output", scored);
        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.True(File.Exists(scored));

        // TorchSharp, had anything started it, would have copied libtorch from the NuGet cache into a cpu/ folder.
        Assert.False(Directory.Exists(Path.Combine(build, "cpu")));
    }

    /// <summary>
    /// The build output as symbolic links (fast, and nothing copied), minus libtorch; how many files were left out.
    /// </summary>
    private static int CopyWithoutLibtorch(string source, string target)
    {
        int leftOut = 0;
        foreach (var path in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            if (LibtorchFile().IsMatch(Path.GetFileName(path)))
            {
                leftOut++;
                continue;
            }
            string link = Path.Combine(target, Path.GetRelativePath(source, path));
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, path);
        }
        return leftOut;
    }
}
