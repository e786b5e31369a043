using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace MlNetIconclass.Service;

/// <summary>A client's mistake: the HTTP status, the field it is in, and what is wrong.</summary>
internal sealed class ClientError(int status, string field, string problem) : Exception($"{field}: {problem}")
{
    public int Status { get; } = status;

    public string Field { get; } = field;
}

/// <summary>
/// Turns a client's mistake into an RFC 7807 problem (the status, and a detail naming the field; the field also as
/// <c>field</c>). Anything else is left to the default handler: a 500 whose body says nothing of the stack.
/// </summary>
internal sealed class ClientErrorHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext context,
        Exception exception,
        CancellationToken cancellation
    )
    {
        var (status, field, detail) = exception switch
        {
            ClientError error => (error.Status, error.Field, error.Message),
            // Kestrel's own refusals: a body over the limit (413), a malformed request (400).
            BadHttpRequestException bad => (bad.StatusCode, "body", $"body: {bad.Message}"),
            _ => (0, "", ""),
        };
        if (status == 0)
            return false;
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
            Detail = detail,
            Extensions = { ["field"] = field },
        };
        return await problems.TryWriteAsync(
            new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = problem,
                Exception = exception,
            }
        );
    }
}
