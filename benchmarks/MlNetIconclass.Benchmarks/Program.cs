using BenchmarkDotNet.Running;
using MlNetIconclass.Benchmarks;

// dotnet run -c Release --project benchmarks/MlNetIconclass.Benchmarks -- --filter '*' --job short --inProcess
// In process: BenchmarkDotNet's generated out-of-process project does not get the TorchSharp load fix of
// Directory.Build.targets, so the TorchSharp benchmarks fail there.
// ... -- make-dump 1000000 /tmp/dump.parquet [SAMPLE.parquet]: a large dump for `iconclass score` (peak memory).
// ... -- make-image-dump 256 /tmp/large-images: records with 4000 x 3000 photographs (image memory of `score`).
// ... -- serve-load [512]: suggest requests/s and p50/p99 latency of `iconclass serve` at 1, 8 and 64 clients,
//        against the library called in process on the same texts.
if (args is ["make-dump", ..])
    return await SyntheticDump.RunAsync(args);
if (args is ["make-image-dump", ..])
    return await LargeImageDump.RunAsync(args);
if (args is ["serve-load", ..])
    return await ServiceLoad.RunAsync(args);
if (args is ["serve-uploads", ..])
    return await ServiceUploads.RunAsync(args);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
