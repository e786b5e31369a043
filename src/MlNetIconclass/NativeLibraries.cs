using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace MlNetIconclass;

/// <summary>
/// Finds the native libraries of the library's dependencies (ONNX Runtime, SkiaSharp; and libtorch, for
/// MlNetIconclass.Training, which registers TorchSharp here)
/// under <c>runtimes/RID/native/</c> beside this assembly when the host did not: an application finds them through
/// its deps.json, but a notebook kernel that loads the library with <c>#r</c> has none for it. Only libraries the
/// host cannot find come here, so applications are unaffected.
/// </summary>
internal static class NativeLibraries
{
    // A library's module initializer: the only hook that runs before any dependency's first P/Invoke.
#pragma warning disable CA2255
    [ModuleInitializer]
    internal static void RegisterOwnDependencies() =>
        Register(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly, typeof(SkiaSharp.SKBitmap).Assembly);
#pragma warning restore CA2255

    private static readonly HashSet<AssemblyLoadContext> Hooked = [];

    /// <summary>
    /// Resolves the native libraries of these assemblies from our folder when their load context cannot. A P/Invoke's
    /// library is resolved by the context that loaded its assembly; a scripting host may give each assembly a context
    /// of its own, so each dependency's context gets the hook.
    /// </summary>
    internal static void Register(params Assembly[] dependencies)
    {
        lock (Hooked)
            foreach (
                var context in dependencies
                    .Select(AssemblyLoadContext.GetLoadContext)
                    .Append(AssemblyLoadContext.Default)
                    .OfType<AssemblyLoadContext>()
            )
                if (Hooked.Add(context))
                    context.ResolvingUnmanagedDll += Resolve;
    }

    private static readonly string Folder = Path.Combine(BundledFiles.Folder, "runtimes", RuntimeId, "native");

    private static string RuntimeId =>
        $"{OperatingSystemName}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";

    private static string OperatingSystemName =>
        OperatingSystem.IsWindows() ? "win"
        : OperatingSystem.IsMacOS() ? "osx"
        : "linux";

    private static IntPtr Resolve(Assembly assembly, string name)
    {
        foreach (var file in new[] { name, $"lib{name}.so", $"{name}.so", $"{name}.dll", $"lib{name}.dylib" })
            if (NativeLibrary.TryLoad(Path.Combine(Folder, file), out var handle))
                return handle;
        return IntPtr.Zero;
    }
}
