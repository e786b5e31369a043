namespace MlNetIconclass.Cli;

/// <summary>
/// The last step of every command: native memory that nothing disposed (libtorch tensors and modules, ONNX Runtime
/// sessions, LightGBM boosters, Skia bitmaps) is freed by its finalizer now, while every native library is whole. Left
/// to the end of the process, such a finalizer can run on the finalizer thread while exit is already tearing down the
/// library it calls into, and the process dies with SIGSEGV after its work is done.
/// </summary>
internal static class NativeOwners
{
    public static void Release()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // Finalizers can make more garbage with finalizers (a module's parameters); one more round frees that.
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}
