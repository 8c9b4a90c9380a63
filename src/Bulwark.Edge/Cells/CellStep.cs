using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Bulwark.AspNetCore.Problems;
using Bulwark.Resilience.Deadlines;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.Edge.Cells;

/// <summary>
/// The proxy-pipeline step for the cell route: finds the customer (token claim, else header), their cell (placing a new
/// customer), answers a fast 503 problem itself when that cell is down, fences a moving customer's writes, narrows
/// YARP's destinations to the cell and feeds the cell's passive health with the outcome.
/// </summary>
internal sealed class CellStep(RequestDelegate next, CellRouter router)
{
    public const string RouteMetadataKey = "bulwark.cells";
    public const string CellHeader = "X-Cell";
    public const string UnavailableType = ProblemTypes.Base + "cell-unavailable";
    public const string MovingType = ProblemTypes.Base + "customer-moving";

    public async Task InvokeAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        if (proxy.Route.Config.Metadata?.ContainsKey(RouteMetadataKey) != true || !router.Enabled)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var options = router.Options;
        if (options.Routing == CellRouting.Pool)
        {
            // The shared pool: YARP's round robin over every cell, whoever the customer is.
            context.Response.OnStarting(() =>
            {
                if (proxy.ProxiedDestination?.DestinationId is { } served)
                {
                    context.Response.Headers[CellHeader] = served;
                }

                return Task.CompletedTask;
            });
            await next(context).ConfigureAwait(false);
            return;
        }

        var customer = Customer(context.Request, options);
        string? cell;
        if (router.IsGlobal(context.Request.Path))
        {
            cell = router.GlobalCell;
        }
        else if (customer is null)
        {
            cell = router.AnyServing();
        }
        else
        {
            cell = router.Resolve(customer)?.Cell;
        }

        if (cell is null)
        {
            await Unavailable(context, "none", "No cell serves now: every cell is down, marked down or full.").ConfigureAwait(false);
            return;
        }

        context.Response.Headers[CellHeader] = cell;
        if (!router.Serves(cell))
        {
            router.Record(cell, CellOutcome.Refused);
            await Unavailable(context, cell, $"Cell '{cell}', which holds this customer's data, is unavailable; the other cells are not affected.").ConfigureAwait(false);
            return;
        }

        var write = customer is not null && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method);
        // Counted before the fence is checked: a move that fences and then sees no write in flight knows none slipped past.
        using var inFlight = write ? router.BeginWrite(customer!) : default;
        if (write && router.IsFenced(customer!))
        {
            router.Record(cell, CellOutcome.Fenced);
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(options.Move.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await TypedResults.Problem(
                detail: "This customer's data is being moved to another cell; changes are paused for a moment. Retry after the Retry-After interval.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Customer being moved", type: MovingType,
                extensions: new Dictionary<string, object?> { ["cell"] = cell }).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        proxy.AvailableDestinations = [.. proxy.AvailableDestinations.Where(d => string.Equals(d.DestinationId, cell, StringComparison.OrdinalIgnoreCase))];
        await next(context).ConfigureAwait(false);
        if (context.GetForwarderErrorFeature() is { } error)
        {
            // A client that went away, or a deadline that passed, says nothing about the cell.
            if (error.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
                || DeadlineContext.CurrentScopeOrNull is { IsExpired: true })
            {
                return;
            }

            router.Record(cell, CellOutcome.NotAnswered, $"{error.Error}: {error.Exception?.Message}");
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.Headers[CellHeader] = cell;
                await Unavailable(context, cell, $"Cell '{cell}', which holds this customer's data, did not answer; the other cells are not affected.").ConfigureAwait(false);
            }

            return;
        }

        router.Record(cell, CellOutcome.Answered);
    }

    /// <summary>The customer the request is for: the bearer token's claim, else the customer header, else null (anonymous).</summary>
    internal static string? Customer(HttpRequest request, CellsOptions options)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Claim(authorization.AsSpan(7).Trim(), options.CustomerClaim) is { Length: > 0 } claimed)
        {
            return claimed;
        }

        return request.Headers[options.CustomerHeader].ToString() is { Length: > 0 } header ? header : null;
    }

    // The JWT's payload, decoded but not verified: routing only, the cell verifies. Anything malformed is no claim.
    private static string? Claim(ReadOnlySpan<char> token, string claim)
    {
        var first = token.IndexOf('.');
        if (first < 0)
        {
            return null;
        }

        var rest = token[(first + 1)..];
        var second = rest.IndexOf('.');
        if (second <= 0 || second > 8192)
        {
            return null;
        }

        var payload = rest[..second];
        var bytes = new byte[Base64Url.GetMaxDecodedLength(payload.Length)];
        if (Base64Url.DecodeFromChars(payload, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(0, written));
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(claim, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private Task Unavailable(HttpContext context, string cell, string detail)
    {
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(router.Options.Health.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Cell unavailable", type: UnavailableType,
            extensions: new Dictionary<string, object?> { ["cell"] = cell }).ExecuteAsync(context);
    }
}
