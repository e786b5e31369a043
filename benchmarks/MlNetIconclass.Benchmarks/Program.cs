using BenchmarkDotNet.Running;
using MlNetIconclass.Benchmarks;

// dotnet run -c Release --project benchmarks/MlNetIconclass.Benchmarks -- --filter '*' --job short --inProcess
// In process: BenchmarkDotNet's generated out-of-process project does not get the TorchSharp load fix of
// Directory.Build.targets, so the TorchSharp benchmarks fail there.
// ... -- make-dump 1000000 /tmp/dump.parquet [SAMPLE.parquet]: a large dump for `iconclass score` (peak memory).
if (args is ["make-dump", ..])
    return await SyntheticDump.RunAsync(args);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
