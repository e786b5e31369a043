using System.Text.Json.Nodes;
using MlNetIconclass.Cli;
using MlNetIconclass.Collections;

namespace MlNetIconclass.Tests.Cli;

/// <summary>
/// The commands that load the most native libraries (libtorch, LightGBM with OpenMP, ONNX Runtime, SkiaSharp) end with
/// the exit code their documentation gives, run as a user runs them: a training that fits the learned fusion and
/// writes its report and chart, while the project builds again into the folder it runs from; an evaluation with the
/// fusion's ablations; and a scoring run.
/// </summary>
public class ProcessExitTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task TrainEvaluateAndScoreExitWithSuccess()
    {
        using var folder = new TempFolder();
        string model = folder.File("fused.iconclass");
        using var training = IconclassCli.Start(
            AppContext.BaseDirectory,
            "train",
            "--output",
            model,
            "--from",
            "scratch",
            "--ngram-buckets",
            "4096",
            "--ngram-dimension",
            "32",
            "--distillation-epochs",
            "0",
            "--epochs",
            "1",
            "--thesaurus-epochs",
            "0",
            "--thesaurus-examples",
            "500",
            "--no-epoch-validation"
        );
        var error = training.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        while (await training.StandardOutput.ReadLineAsync() is { } line)
        {
            output.AppendLine(line);
            // libtorch is loaded: a build now patches the folder the training runs from, as 'dotnet build' or
            // 'dotnet run' in another terminal would. Rewriting the loaded shim in place made the training die at
            // exit (SIGSEGV, exit 139) after it had written everything.
            if (line.StartsWith("TorchSharp:", StringComparison.Ordinal))
            {
                var (patched, _, patchError) = await ChildProcess.RunAsync(
                    "bash",
                    Path.Combine(Repository.Root, "build", "torchsharp-glibcxx", "patch-output.sh"),
                    AppContext.BaseDirectory
                );
                Assert.True(patched == 0, patchError);
            }
        }
        await training.WaitForExitAsync();
        var (exitCode, stdout, stderr) = (training.ExitCode, output.ToString(), await error);
        Assert.True(exitCode == ExitCodes.Success, $"train exited with {exitCode}: {stderr}");
        Assert.Contains("TorchSharp:", stdout);
        var manifest = JsonNode.Parse(File.ReadAllText(folder.File("fused-report/report.json")))!["manifest"]!;
        Assert.True((bool)manifest["Fusion"]!["Learned"]!, "the learned fusion was not chosen: " + stdout);
        Assert.True(File.Exists(folder.File("fused-report/learning-curve.png")));

        (exitCode, stdout, stderr) = IconclassCli.Run("evaluate", "--model", model);
        Assert.True(exitCode == ExitCodes.Success, $"evaluate exited with {exitCode}: {stderr}");
        Assert.Contains("without Hierarchy features", stdout);

        string dump = folder.File("dump.parquet");
        await ArtworkParquet.WriteAsync(
            (await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname))[..20],
            dump
        );
        (exitCode, _, stderr) = IconclassCli.Run(
            "score",
            "--model",
            model,
            "--input",
            dump,
            "--output",
            folder.File("scored.parquet")
        );
        Assert.True(exitCode == ExitCodes.Success, $"score exited with {exitCode}: {stderr}");
    }
}
