using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/MlNetIconclass.Benchmarks -- --filter '*' --job short --inProcess
// In process: BenchmarkDotNet's generated out-of-process project does not get the TorchSharp load fix of
// Directory.Build.targets, so the TorchSharp benchmarks fail there.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
