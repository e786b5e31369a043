using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MlNetIconclass.Thesaurus;
using Scalar.AspNetCore;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace MlNetIconclass.Service;

/// <summary>
/// The web service: Annif's REST API v1 under <c>/v1</c> (so Annif's clients work unchanged), the OpenAPI document at
/// <c>/openapi/v1.json</c>, an interactive reference at <c>/scalar</c>, <c>/health</c> for probes, and the review page
/// for cataloguers at <c>/</c>. One model
/// instance per project serves every request; concurrent requests are ranked together.
/// </summary>
public static class SuggestionService
{
    public const string Title = "MlNetIconclass REST API (Annif-compatible)";

    public static string Version => typeof(SuggestionService).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>
    /// Builds the service; <paramref name="configure"/> may change the builder before it is built (the tests put it
    /// on the in-process test server).
    /// </summary>
    public static WebApplication Create(
        ServiceOptions options,
        IconclassThesaurus thesaurus,
        Action<WebApplicationBuilder>? configure = null
    )
    {
        if (options.Projects.Count == 0)
            throw new ArgumentException("The service needs at least one project.", nameof(options));
        var duplicate = options.Projects.GroupBy(p => p.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Two projects are named '{duplicate.Key}'.", nameof(options));
        if (options.AllowLearn)
            foreach (var project in options.Projects)
                ProjectLearning.CheckCanLearn(project);

        // Production: an internal error's body never carries a stack trace.
        var builder = WebApplication.CreateSlimBuilder(
            new WebApplicationOptions { EnvironmentName = Environments.Production, Args = [] }
        );
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(HalfClosedConnections.Middleware));
            // Kestrel refuses what is over its own limits with an empty body; these are set above the service's, so
            // that a long URL or large headers get a problem that says which limit (see RequestLimits).
            kestrel.Limits.MaxRequestLineSize = Math.Max(kestrel.Limits.MaxRequestLineSize, 4 * options.MaxUrlLength);
            kestrel.Limits.MaxRequestHeadersTotalSize = Math.Max(
                kestrel.Limits.MaxRequestHeadersTotalSize,
                4 * options.MaxHeaderBytes
            );
        });
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = options.MaxBodyBytes);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower
        );
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClientErrorHandler>();
        builder.Services.AddOpenApi(openApi =>
            openApi.AddDocumentTransformer(
                (document, _, _) =>
                {
                    document.Info.Title = Title;
                    document.Info.Version = "v1";
                    return Task.CompletedTask;
                }
            )
        );
        builder.Services.AddHealthChecks();
        // A line per request is the reverse proxy's job; the service logs its start, stop and failures.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // A failed start (a port in use) is reported once, by the caller, not also as a stack trace in the log.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(
            (context, next) =>
            {
                RequestLimits.Check(context, options);
                return next(context);
            }
        );
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHealthChecks("/health");
        ReviewPage.Map(app);

        var api = new SuggestionApi(options, thesaurus);
        // Before the server listens, so that /health says ready only when a request is answered in normal time.
        api.WarmUpAsync().GetAwaiter().GetResult();
        // After the last request has finished: rank what is queued, then stop the queues.
        app.Lifetime.ApplicationStopped.Register(() => api.DisposeAsync().AsTask().GetAwaiter().GetResult());
        var json = app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        api.Map(app.MapGroup("/v1"), json);
        return app;
    }
}
