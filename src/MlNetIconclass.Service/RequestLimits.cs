using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace MlNetIconclass.Service;

/// <summary>
/// The service's limits on a request's size, checked before anything reads it, each refusal a problem naming the
/// limit: the URL (414), the headers (431) and a declared body length (413; Kestrel refuses a longer body as it
/// streams in).
/// </summary>
internal static class RequestLimits
{
    public static void Check(HttpContext context, ServiceOptions options)
    {
        var request = context.Request;
        string target =
            context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? $"{request.Path}{request.QueryString}";
        if (target.Length > options.MaxUrlLength)
            throw new ClientError(414, "url", $"{target.Length:N0} characters; the limit is {options.MaxUrlLength:N0}");
        long headerBytes = request.Headers.Sum(header =>
            header.Key.Length + 4L + header.Value.Sum(value => value?.Length ?? 0)
        );
        if (headerBytes > options.MaxHeaderBytes)
            throw new ClientError(431, "headers", $"{headerBytes:N0} bytes; the limit is {options.MaxHeaderBytes:N0}");
        if (request.ContentLength > options.MaxBodyBytes)
            throw new ClientError(
                413,
                "body",
                $"{request.ContentLength:N0} bytes; the limit is {options.MaxBodyBytes:N0}"
            );
    }
}
