using System.Diagnostics;

namespace MlNetIconclass.Tests.Cli;

/// <summary>Runs the built <c>iconclass</c> command as a user would, capturing its exit code and output.</summary>
internal static class IconclassCli
{
    public static (int ExitCode, string Output, string Error) Run(params string[] arguments) =>
        RunFrom(AppContext.BaseDirectory, arguments);

    /// <summary>Runs the <c>iconclass.dll</c> of another build output folder.</summary>
    public static (int ExitCode, string Output, string Error) RunFrom(string folder, params string[] arguments) =>
        ChildProcess.RunAsync(StartInfo(folder, arguments)).GetAwaiter().GetResult();

    /// <summary>Starts the command with its output and error redirected, for tests that act while it runs.</summary>
    public static Process Start(string folder, params string[] arguments)
    {
        var start = StartInfo(folder, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        return Process.Start(start)!;
    }

    private static ProcessStartInfo StartInfo(string folder, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(Path.Combine(folder, "iconclass.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return start;
    }
}
