using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using MlNetIconclass.Cli;
using MlNetIconclass.Tests.Cli;
using MlNetIconclass.Tests.Training;

namespace MlNetIconclass.Tests.Service;

/// <summary><c>iconclass serve</c> over a real port, as a collection system would call it.</summary>
[Trait("Category", "Slow")]
public class ServeCommandTests
{
    /// <summary>
    /// Waits for the line that says the service listens; the lines before it are in the failure's message.
    /// </summary>
    private static async Task WaitUntilServingAsync(Process process)
    {
        var seen = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.Add(line);
            if (line.StartsWith("serving ", StringComparison.Ordinal))
                return;
        }
        Assert.Fail($"serve ended before it served: {string.Join('\n', seen)}");
    }

    [Fact]
    public async Task ServesOverARealPortRefusesAPortInUseAndStopsOnSigterm()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = new TempFolder();
        string model = folder.File("tiny.iconclass");
        TinyModels.Shared.Save(model);
        int port = ServiceHost.FreePort();
        using var serve = IconclassCli.Start(
            AppContext.BaseDirectory,
            "serve",
            "--model",
            $"tiny={model}",
            "--port",
            port.ToString()
        );
        try
        {
            await WaitUntilServingAsync(serve);
            using var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };
            var response = await client.PostAsync(
                "/v1/projects/tiny/suggest",
                new FormUrlEncodedContent(
                    new Dictionary<string, string>
                    {
                        ["text"] = "Gezicht op een suikerplantage",
                        ["limit"] = "5",
                        ["threshold"] = "0",
                        ["language"] = "nl",
                    }
                )
            );
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(5, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["results"]!.AsArray().Count);

            var (exitCode, _, error) = IconclassCli.Run("serve", "--model", model, "--port", port.ToString());
            Assert.Equal(ExitCodes.BadInput, exitCode);
            Assert.Contains($"cannot listen on localhost:{port}", error);
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-TERM", serve.Id.ToString()]))
                await kill.WaitForExitAsync();
            await serve.WaitForExitAsync();
        }
        Assert.Equal(ExitCodes.Success, serve.ExitCode);
    }

    [Fact]
    public void RefusesToStartOnAModelItCannotLoad()
    {
        using var folder = new TempFolder();
        string broken = folder.Write("broken.iconclass", "not a zip");
        var (exitCode, _, error) = IconclassCli.Run(
            "serve",
            "--model",
            broken,
            "--port",
            ServiceHost.FreePort().ToString()
        );
        Assert.Equal(ExitCodes.BadInput, exitCode);
        Assert.Contains("is not a usable MlNetIconclass model", error);
    }
}
