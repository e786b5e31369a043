namespace MlNetIconclass.Cli;

/// <summary>Exit codes scripts can rely on.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something unexpected failed (a bug, or the machine).</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: unknown option, missing or malformed value.</summary>
    public const int Usage = 2;

    /// <summary>An input file is missing, unreadable or not in the expected format.</summary>
    public const int BadInput = 3;

    /// <summary>Stopped by Ctrl-C or SIGTERM before it finished (128 + SIGINT, as shells report it).</summary>
    public const int Stopped = 130;
}
