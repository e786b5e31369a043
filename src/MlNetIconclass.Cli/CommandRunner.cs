namespace MlNetIconclass.Cli;

/// <summary>Runs a command body, turning the errors users can fix into a clear message and an exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (UsageException exception)
        {
            return Fail(exception.Message, ExitCodes.Usage);
        }
        catch (RunStoppedException exception)
        {
            return Fail(exception.Message, ExitCodes.Stopped);
        }
        catch (OperationCanceledException)
        {
            return Fail("stopped before it finished; nothing was written.", ExitCodes.Stopped);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            return Fail(exception.Message, ExitCodes.Usage);
        }
        catch (PlatformNotSupportedException exception)
        {
            // This host cannot do what was asked (training without a loadable libtorch).
            return Fail(exception.Message, ExitCodes.Failure);
        }
        catch (Exception exception)
            when (exception
                    is InvalidDataException
                        or FileNotFoundException
                        or DirectoryNotFoundException
                        or IOException
            )
        {
            return Fail(exception.Message, ExitCodes.BadInput);
        }
    }

    private static int Fail(string message, int exitCode)
    {
        Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }

    /// <summary>A per-record or per-file problem, one unwrapped line on standard error so it can be grepped.</summary>
    public static void Warn(string message) => Console.Error.WriteLine($"warning: {message}");
}

/// <summary>A command line that parses but asks for something that cannot be done.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A run stopped by a signal, with what it leaves behind and how to go on.</summary>
internal sealed class RunStoppedException(string message) : OperationCanceledException(message);
