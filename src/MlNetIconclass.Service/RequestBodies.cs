using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace MlNetIconclass.Service;

/// <summary>
/// Reads a request's form, or refuses it as the client's mistake: another content type is 415, a form that ends early
/// or is malformed 400, and only a form over a size limit 413. Each problem names what to send.
/// </summary>
internal static class RequestBodies
{
    public const string UrlEncoded = "application/x-www-form-urlencoded";

    public const string Multipart = "multipart/form-data";

    public const string Json = "application/json";

    // The form reader's own refusals that are about size; its others (no boundary, a boundary too long, a malformed
    // part) are about form.
    private static readonly string[] SizeLimits =
    [
        "body length limit",
        "value length limit",
        "key length limit",
        "value count limit",
    ];

    /// <summary>Refuses a request whose body is not of <paramref name="contentType"/> with 415.</summary>
    public static void Require(HttpRequest request, string contentType)
    {
        bool matches =
            MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            && media.MediaType.Equals(contentType, StringComparison.OrdinalIgnoreCase);
        if (!matches)
            throw new ClientError(
                415,
                "Content-Type",
                request.ContentType is null
                    ? $"missing; this endpoint takes {contentType}"
                    : $"this endpoint takes {contentType}, not {media?.MediaType.Value ?? "an unreadable type"}"
            );
    }

    public static async Task<IFormCollection> ReadFormAsync(
        HttpRequest request,
        string contentType,
        CancellationToken cancellation
    )
    {
        Require(request, contentType);
        try
        {
            return await request.ReadFormAsync(cancellation);
        }
        catch (InvalidDataException exception)
        {
            bool size = SizeLimits.Any(limit => exception.Message.Contains(limit, StringComparison.Ordinal));
            throw new ClientError(size ? 413 : 400, "body", $"not a form that can be read: {exception.Message}");
        }
        // Kestrel's own refusals (a body over the limit) are IOExceptions too, and keep their status.
        catch (IOException exception)
            when (exception is not BadHttpRequestException && !cancellation.IsCancellationRequested)
        {
            throw new ClientError(
                400,
                "body",
                "the form ends before its last part does (cut short, or without its closing boundary)"
            );
        }
    }
}
