using System.Diagnostics;
using MlNetIconclass.Collections;
using YamlDotNet.RepresentationModel;

namespace MlNetIconclass.Tests.Deploy;

/// <summary>
/// The scoring recipes of <c>deploy/</c> run as written: each shard's command as the scheduler would start it (its
/// index variable set, the shared volume a local folder), then the merge, and the result is byte for byte the output
/// of one <c>iconclass score</c> run over the whole dump.
/// </summary>
[Trait("Category", "Slow")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ScoringRecipeTests(ScoringRecipeTests.OneRun oneRun) : IClassFixture<ScoringRecipeTests.OneRun>
{
    private static string Deploy => Path.Combine(Repository.Root, "deploy");

    [Fact]
    public async Task KubernetesIndexedJobThenMergeEqualsOneRun()
    {
        using var folder = new TempFolder();
        var (dump, single) = await oneRun.Output.Value;
        var job = Container(Path.Combine(Deploy, "kubernetes", "score-job.yaml"), out var spec);
        int shards = int.Parse(((YamlScalarNode)spec["completions"]).Value!);
        Assert.Equal("Indexed", ((YamlScalarNode)spec["completionMode"]).Value);
        Assert.Equal(shards.ToString(), job.Env["SHARDS"]);

        // The volume mounted at /data is the test's folder.
        string scored = folder.File("scored");
        await Task.WhenAll(
            Enumerable
                .Range(0, shards)
                .Select(index =>
                    RunAsync(
                        job.Script,
                        folder,
                        new()
                        {
                            ["JOB_COMPLETION_INDEX"] = $"{index}",
                            ["DUMP"] = dump,
                            ["OUTPUT_DIR"] = scored,
                        },
                        job.Env
                    )
                )
        );
        var merge = Container(Path.Combine(Deploy, "kubernetes", "merge-job.yaml"), out _);
        string merged = folder.File("merged.parquet");
        await RunAsync(merge.Script, folder, new() { ["OUTPUT_DIR"] = scored, ["MERGED"] = merged }, merge.Env);

        Assert.Equal(shards, Directory.GetFiles(scored, "scored-*.parquet").Length);
        Assert.Equal(await File.ReadAllBytesAsync(single), await File.ReadAllBytesAsync(merged));
    }

    [Fact]
    public async Task SlurmArrayThenMergeEqualsOneRun()
    {
        using var folder = new TempFolder();
        var (dump, single) = await oneRun.Output.Value;
        string script = await File.ReadAllTextAsync(Path.Combine(Deploy, "slurm", "score-array.sh"));
        var array = System.Text.RegularExpressions.Regex.Match(script, @"#SBATCH --array=1-(\d+)");
        Assert.True(array.Success, "score-array.sh declares no --array=1-N");
        int shards = int.Parse(array.Groups[1].Value);

        string scored = folder.File("scored");
        await Task.WhenAll(
            Enumerable
                .Range(1, shards)
                .Select(task =>
                    RunAsync(
                        $"bash {Path.Combine(Deploy, "slurm", "score-array.sh")}",
                        folder,
                        new()
                        {
                            ["SLURM_ARRAY_TASK_ID"] = $"{task}",
                            ["SLURM_ARRAY_TASK_COUNT"] = $"{shards}",
                            ["DUMP"] = dump,
                            ["OUTPUT_DIR"] = scored,
                        }
                    )
                )
        );
        string merged = folder.File("merged.parquet");
        await RunAsync(
            $"bash {Path.Combine(Deploy, "slurm", "merge.sh")}",
            folder,
            new() { ["OUTPUT_DIR"] = scored, ["MERGED"] = merged }
        );

        Assert.Equal(await File.ReadAllBytesAsync(single), await File.ReadAllBytesAsync(merged));
    }

    /// <summary>
    /// A dump of part of the Suriname sample in row groups of 50 (so every one of 8 shards has chunks), and the output
    /// of one <c>score</c> run over it, shared by the recipes' tests.
    /// </summary>
    public sealed class OneRun : IDisposable
    {
        private readonly TempFolder _folder = new();

        public OneRun() => Output = new(() => RunOnceAsync(_folder));

        public Lazy<Task<(string Dump, string Single)>> Output { get; }

        private static async Task<(string Dump, string Single)> RunOnceAsync(TempFolder folder)
        {
            string dump = folder.File("dump.parquet");
            var records = await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname);
            await ArtworkParquet.WriteAsync(records.Take(800).ToList(), dump, rowGroupSize: 50);
            string single = folder.File("single.parquet");
            await RunAsync($"iconclass score --input {dump} --output {single}", folder, []);
            return (dump, single);
        }

        public void Dispose() => _folder.Dispose();
    }

    /// <summary>The container's environment and its <c>sh -c</c> script, from a Job's pod template.</summary>
    private static (string Script, Dictionary<string, string> Env) Container(string path, out YamlMappingNode jobSpec)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path))
            yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        jobSpec = (YamlMappingNode)root["spec"];
        var pod = (YamlMappingNode)((YamlMappingNode)jobSpec["template"])["spec"];
        var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Children[0];
        var command = ((YamlSequenceNode)container["command"]).Select(n => ((YamlScalarNode)n).Value!).ToArray();
        Assert.Equal(["/bin/sh", "-c"], command);
        var env = ((YamlSequenceNode)container["env"])
            .Cast<YamlMappingNode>()
            .ToDictionary(e => ((YamlScalarNode)e["name"]).Value!, e => ((YamlScalarNode)e["value"]).Value!);
        var script = ((YamlScalarNode)((YamlSequenceNode)container["args"]).Children[0]).Value!;
        return (script, env);
    }

    /// <summary>
    /// Runs a shell command as the scheduler would: with <c>iconclass</c> on the path (this build's), the recipe's
    /// environment, then the variables the scheduler and the mounted volume set.
    /// </summary>
    private static async Task RunAsync(
        string command,
        TempFolder folder,
        Dictionary<string, string> variables,
        IReadOnlyDictionary<string, string>? recipeEnv = null
    )
    {
        string bin = folder.File("bin");
        string iconclass = Path.Combine(bin, "iconclass");
        if (!File.Exists(iconclass))
        {
            // A link to the build's own launcher, made aside and renamed into place. A script written here could be
            // executed by a shard while a process forked meanwhile (by any test) still held it open for writing:
            // "Text file busy".
            Directory.CreateDirectory(bin);
            string link = Path.Combine(bin, $"iconclass-{Guid.NewGuid():N}");
            File.CreateSymbolicLink(link, Path.Combine(AppContext.BaseDirectory, "iconclass"));
            File.Move(link, iconclass, overwrite: true);
        }
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = folder.Path };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        foreach (var (name, value) in (recipeEnv ?? new Dictionary<string, string>()).Concat(variables))
            start.Environment[name] = value;
        var (exitCode, output, error) = await ChildProcess.RunAsync(start);
        Assert.True(exitCode == 0, $"'{command}' failed ({exitCode}): {error}\n{output}");
    }
}
