using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using MlNetIconclass.Models;
using MlNetIconclass.Service;
using MlNetIconclass.Tests.Training;

namespace MlNetIconclass.Tests.Service;

/// <summary>The service on the in-process test server, serving the tiny model as project <c>tiny</c>.</summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    private ServiceHost(WebApplication app, ServiceOptions options)
    {
        App = app;
        Options = options;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public ServiceOptions Options { get; }

    public HttpClient Client { get; }

    public static async Task<ServiceHost> StartAsync(
        IconclassModel? model = null,
        Func<ServiceOptions, ServiceOptions>? adjust = null
    )
    {
        var uploads = Path.Combine(Path.GetTempPath(), $"iconclass-service-test-{Guid.NewGuid():N}");
        var options = new ServiceOptions
        {
            Projects = [new ServedProject("tiny", model ?? TinyModels.Shared)],
            UploadFolder = uploads,
        };
        options = adjust?.Invoke(options) ?? options;
        var app = SuggestionService.Create(options, BundledThesaurus.Instance, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        return new ServiceHost(app, options);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (Directory.Exists(Options.UploadFolder))
            Directory.Delete(Options.UploadFolder, recursive: true);
    }
}
