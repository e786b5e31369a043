using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/MlNetIconclass.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
