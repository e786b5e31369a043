using Microsoft.ML.OnnxRuntime;

namespace MlNetIconclass.Features;

/// <summary>Where inference and training run: the GPU when asked for or found, else the CPU.</summary>
public enum ComputeDevice
{
    /// <summary>CUDA when it loads, otherwise the CPU, with a log line saying which and why.</summary>
    Auto,
    Cpu,

    /// <summary>CUDA or an error.</summary>
    Cuda,
}

/// <summary>
/// Creates ONNX Runtime sessions on the device asked for, falling back to the CPU with a clear message.
/// </summary>
internal static class OnnxSessions
{
    /// <summary>Whether ONNX Runtime's CUDA provider loads here, and if not why; probed once per process.</summary>
    private static readonly Lazy<string?> CudaProblem = new(ProbeCuda);

    /// <summary>
    /// Whether the CUDA provider will be used for <paramref name="device"/>, for code that hands ONNX models to
    /// ML.NET's
    /// <c>ApplyOnnxModel</c> (which falls back to the CPU silently); says which device it will be.
    /// </summary>
    public static bool CudaLoads(ComputeDevice device, Action<string>? log = null)
    {
        if (device == ComputeDevice.Cpu)
        {
            log?.Invoke("ONNX Runtime: CPU (asked for)");
            return false;
        }
        if (CudaProblem.Value is { } problem)
        {
            if (device == ComputeDevice.Cuda)
                throw new InvalidOperationException(
                    $"CUDA was asked for, but ONNX Runtime's CUDA provider does not load: {problem}"
                );
            log?.Invoke($"ONNX Runtime: CPU (the CUDA provider did not load: {problem})");
            return false;
        }
        log?.Invoke("ONNX Runtime: CUDA device 0");
        return true;
    }

    public static InferenceSession Create(byte[] model, ComputeDevice device, Action<string>? log = null)
    {
        if (CudaLoads(device, log))
        {
            var cuda = Options();
            try
            {
                cuda.AppendExecutionProvider_CUDA(0);
                return new InferenceSession(model, cuda);
            }
            catch (OnnxRuntimeException exception) when (device == ComputeDevice.Auto)
            {
                // The provider loads but the session does not start on the GPU (no device, too little memory).
                cuda.Dispose();
                log?.Invoke($"ONNX Runtime: CPU (no session on CUDA device 0: {FirstLine(exception.Message)})");
            }
        }
        return new InferenceSession(model, Options());
    }

    /// <summary>
    /// Every optimisation, and threads that sleep between runs instead of spinning: ranking interleaves ONNX Runtime
    /// with work of its own on the same cores (BM25, votes), which spinning threads would slow down.
    /// </summary>
    private static SessionOptions Options()
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    private static string? ProbeCuda()
    {
        using var options = new SessionOptions();
        // ONNX Runtime's own logger would print the missing CUDA library as an error; the log lines say it once.
        var environment = OrtEnv.Instance();
        var level = environment.EnvLogLevel;
        environment.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            options.AppendExecutionProvider_CUDA(0);
            return null;
        }
        catch (Exception exception)
            when (exception is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            return FirstLine(exception.Message);
        }
        finally
        {
            environment.EnvLogLevel = level;
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
