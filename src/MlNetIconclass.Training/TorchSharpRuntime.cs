using System.Runtime.CompilerServices;
using MlNetIconclass.Features;
using TorchSharp;

namespace MlNetIconclass.Training;

/// <summary>
/// TorchSharp for training: its native libraries found beside this assembly (as the core library finds ONNX
/// Runtime's), a clear error where libtorch does not load, and the device each run trains on.
/// </summary>
public static class TorchSharpRuntime
{
    // A library's module initializer: the only hook that runs before TorchSharp's first P/Invoke.
#pragma warning disable CA2255
    [ModuleInitializer]
    internal static void RegisterNativeLibraries() => NativeLibraries.Register(typeof(torch).Assembly);
#pragma warning restore CA2255

    /// <summary>
    /// Throws a clear error when libtorch cannot be loaded here (TorchSharp's own message blames a missing package):
    /// on hosts whose libstdc++ predates GLIBCXX_3.4.32 the build must have patched TorchSharp, which needs patchelf
    /// and g++. Ranking never needs libtorch; training does.
    /// </summary>
    public static void EnsureLoaded()
    {
        try
        {
            RuntimeHelpers.RunClassConstructor(typeof(torch).TypeHandle);
        }
        catch (TypeInitializationException exception)
        {
            throw new PlatformNotSupportedException(
                "Training needs libtorch, and TorchSharp's native library does not load on this host. On hosts whose "
                    + "libstdc++ "
                    + "is older than GCC 13 (Debian 12) the build patches it: install patchelf and g++ (apt-get "
                    + "install -y patchelf g++) "
                    + "and build again. Ranking (predict, evaluate, score) does not need libtorch. "
                    + $"TorchSharp said: {exception.InnerException?.Message.Split('\n')[0]}",
                exception
            );
        }
    }

    /// <summary>The TorchSharp device: CUDA when asked for or available, else the CPU, saying which and why.</summary>
    public static torch.Device SelectDevice(ComputeDevice preference, Action<string>? log)
    {
        EnsureLoaded();
        bool cuda = torch.cuda.is_available();
        if (preference == ComputeDevice.Cuda && !cuda)
            throw new InvalidOperationException(
                "CUDA was asked for, but TorchSharp finds no CUDA device (the libtorch-cpu package has none)."
            );
        if (preference != ComputeDevice.Cpu && cuda)
        {
            log?.Invoke("TorchSharp: CUDA device 0");
            return torch.CUDA;
        }
        log?.Invoke(
            preference == ComputeDevice.Cpu ? "TorchSharp: CPU (asked for)" : "TorchSharp: CPU (no CUDA device found)"
        );
        return torch.CPU;
    }

    /// <summary>The TorchSharp version, recorded in the manifests of the models it trains.</summary>
    private static readonly Lock SeedGate = new();

    /// <summary>
    /// What <paramref name="draw"/> makes from torch's generator seeded with <paramref name="seed"/>. The generator is
    /// the process's: seeding and drawing under one lock, two trainings side by side (two notebooks' cells, two tests)
    /// each draw what their own seed gives.
    /// </summary>
    internal static T Seeded<T>(int seed, Func<T> draw)
    {
        lock (SeedGate)
        {
            torch.manual_seed(seed);
            return draw();
        }
    }

    public static string Version => typeof(torch).Assembly.GetName().Version?.ToString() ?? "";
}
