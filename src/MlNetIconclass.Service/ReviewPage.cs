using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MlNetIconclass.Service;

/// <summary>
/// The review page at <c>/</c>: a cataloguer's form over the API (suggest, explain, accept or reject, add a code,
/// learn, export as CSV). Plain HTML, CSS and JavaScript embedded in this assembly, so it works offline and ships with
/// the service; nothing to build.
/// </summary>
internal static class ReviewPage
{
    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["review.css"] = "text/css; charset=utf-8",
        ["review.js"] = "text/javascript; charset=utf-8",
    };

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Serve("index.html")).ExcludeFromDescription();
        app.MapGet(
                "/review/{file}",
                (string file) => file != "index.html" && Files.ContainsKey(file) ? Serve(file) : Results.NotFound()
            )
            .ExcludeFromDescription();
    }

    private static IResult Serve(string file) =>
        Results.Stream(
            typeof(ReviewPage).Assembly.GetManifestResourceStream($"Review/{file}")
                ?? throw new InvalidOperationException($"The review page's {file} is not in the assembly."),
            Files[file]
        );
}
