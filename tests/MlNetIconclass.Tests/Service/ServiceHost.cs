using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using MlNetIconclass.Models;
using MlNetIconclass.Service;
using MlNetIconclass.Tests.Training;

namespace MlNetIconclass.Tests.Service;

/// <summary>
/// The service serving the tiny model as project <c>tiny</c>: on the in-process test server, or over a real port
/// (Kestrel) for what only the server itself answers.
/// </summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    private ServiceHost(WebApplication app, ServiceOptions options, HttpClient client)
    {
        App = app;
        Options = options;
        Client = client;
    }

    public WebApplication App { get; }

    public ServiceOptions Options { get; }

    public HttpClient Client { get; }

    public static async Task<ServiceHost> StartAsync(
        IconclassModel? model = null,
        Func<ServiceOptions, ServiceOptions>? adjust = null,
        bool realPort = false
    )
    {
        var options = new ServiceOptions
        {
            Projects = [new ServedProject("tiny", model ?? TinyModels.Shared)],
            Host = "127.0.0.1",
            Port = realPort ? FreePort() : 5000,
        };
        options = adjust?.Invoke(options) ?? options;
        var app = SuggestionService.Create(
            options,
            BundledThesaurus.Instance,
            realPort ? null : builder => builder.WebHost.UseTestServer()
        );
        await app.StartAsync();
        var client = realPort
            ? new HttpClient { BaseAddress = new Uri($"http://{options.Host}:{options.Port}") }
            : app.GetTestClient();
        return new ServiceHost(app, options, client);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
