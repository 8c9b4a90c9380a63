using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Shop.Infrastructure.Admin;

namespace Shop.Infrastructure.Data;

/// <summary>
/// The modules' migration tracks for the operator: <c>GET /api/schema</c> (applied version, floor, pending contract
/// steps per module) and <c>POST /api/schema/contract</c>, the operator's word that no older release runs any more.
/// Admin key, management port outside Development. See docs/data-consistency.md, "Migrations: expand and contract".
/// </summary>
public static partial class SchemaEndpoints
{
    /// <summary>Maps <c>/api/schema</c>.</summary>
    /// <param name="endpoints">The endpoint builder.</param>
    /// <returns>The endpoint builder.</returns>
    public static IEndpointRouteBuilder MapShopSchema(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/schema").WithTags("Schema").RequireShopAdmin();
        group.MapGet("/", StatusAsync).WithName("GetSchema")
            .WithSummary("Each module's schema: versions applied and known, the contract floor, contract steps still pending.");
        group.MapPost("/contract", ContractAsync).WithName("ContractSchema")
            .WithSummary("Applies every pending contract step. Only once no older release runs: an older release refuses to start afterwards.");
        return endpoints;
    }

    private static async Task<Ok<ModuleSchemaView[]>> StatusAsync(IEnumerable<IModuleSchema> modules, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ViewsAsync(modules, 0, cancellationToken));

    private static async Task<Ok<ModuleSchemaView[]>> ContractAsync(IEnumerable<IModuleSchema> modules, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(SchemaEndpoints).FullName!);
        var applied = 0;
        foreach (var module in modules)
        {
            var steps = await module.ContractAsync(cancellationToken);
            if (steps > 0)
            {
                LogContracted(logger, module.ModuleName, steps);
            }

            applied += steps;
        }

        return TypedResults.Ok(await ViewsAsync(modules, applied, cancellationToken));
    }

    private static async Task<ModuleSchemaView[]> ViewsAsync(IEnumerable<IModuleSchema> modules, int applied, CancellationToken cancellationToken)
    {
        var views = new List<ModuleSchemaView>();
        foreach (var module in modules)
        {
            var status = await module.StatusAsync(cancellationToken);
            views.Add(new ModuleSchemaView(status.Component, status.Applied, status.Known, status.Floor, [.. status.PendingContract], applied));
        }

        return [.. views];
    }

    [LoggerMessage(EventId = 4800, Level = LogLevel.Warning, Message = "Schema of {Module} contracted: {Steps} step(s) applied; releases older than this one now refuse to start")]
    private static partial void LogContracted(ILogger logger, string module, int steps);
}

/// <summary>One module's schema as the operator sees it.</summary>
/// <param name="Module">The module (its migration track).</param>
/// <param name="Applied">The highest version applied to the database.</param>
/// <param name="Known">The highest version this release knows.</param>
/// <param name="Floor">The highest contract step applied: releases that know less refuse to start.</param>
/// <param name="PendingContract">This release's contract steps not applied yet.</param>
/// <param name="StepsApplied">Steps the contract command just applied across all modules (0 for a status read).</param>
public sealed record ModuleSchemaView(string Module, int Applied, int Known, int Floor, int[] PendingContract, int StepsApplied);
