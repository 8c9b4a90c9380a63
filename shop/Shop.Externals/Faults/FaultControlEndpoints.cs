using System.ComponentModel.DataAnnotations;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Shop.Externals.Faults;

/// <summary><c>/_control/faults</c>: read, set and clear the faults a stand-in injects.</summary>
internal static class FaultControlEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        // Whoever reaches the control endpoint can break the stand-in: only callers on this machine may, however widely
        // the stand-in is bound (the address is the socket's, not a header's).
        var control = endpoints.MapGroup("/_control").WithTags("Fault control").AddEndpointFilter(LoopbackOnlyAsync);
        control.MapGet("/faults", (FaultInjector injector) => TypedResults.Ok(Status(injector)));
        control.MapPut("/faults", Set);
        control.MapDelete("/faults", (FaultInjector injector) =>
        {
            injector.Set(FaultSettings.None);
            return TypedResults.Ok(Status(injector));
        });
    }

    internal static async ValueTask<object?> LoopbackOnlyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Connection.RemoteIpAddress is { } remote && System.Net.IPAddress.IsLoopback(remote)
            ? await next(context)
            : ProblemResults.Forbidden("The fault controls answer only to callers on the same machine (loopback).");

    private static Results<Ok<FaultStatus>, ProblemHttpResult> Set(FaultSettings? settings, FaultInjector injector)
    {
        if (settings is null)
        {
            return ProblemResults.BadRequest("Send a JSON body such as {\"latencyMs\":200,\"errorRate\":0.5,\"errorStatus\":503,\"down\":false,\"slowBodyMs\":0,\"loseResponseRate\":0,\"lostResponseStatus\":0}.");
        }

        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(settings, new ValidationContext(settings), errors, validateAllProperties: true))
        {
            return ProblemResults.BadRequest(string.Join(" ", errors.Select(e => e.ErrorMessage)));
        }

        injector.Set(settings);
        return TypedResults.Ok(Status(injector));
    }

    private static FaultStatus Status(FaultInjector injector) => new(injector.Settings, injector.Requests, injector.InjectedErrors, injector.LostResponses);

    internal sealed record FaultStatus(FaultSettings Faults, long Requests, long InjectedErrors, long LostResponses);
}
