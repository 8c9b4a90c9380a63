using System.Globalization;
using Bulwark.ControlRoom.Hosting;
using Bulwark.ControlRoom.Rendering;
using Bulwark.Sagas;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Panels;

/// <summary>
/// Parked and compensating saga instances of the configured types, read-only: Bulwark.Sagas has no operation to retry
/// or force-compensate a parked instance yet, so the panel says what to resolve by hand instead of offering a button.
/// </summary>
internal sealed class SagasPanel(IOptions<ControlRoomOptions> options, ISagaStore? store = null) : IControlRoomPanel
{
    private static readonly SagaStatus[] NeedsAttention = [SagaStatus.Parked, SagaStatus.Compensating];

    public string Id => "sagas";

    public string Title => "Sagas";

    public async Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken)
    {
        var types = options.Value.SagaTypes;
        if (store is null || types.Count == 0)
        {
            html.Paragraph("No saga types are listed (AddBulwarkControlRoom(o => o.SagaTypes.Add(...))).", "muted");
            return;
        }

        var instances = new List<SagaState>();
        foreach (var type in types)
        {
            instances.AddRange(await store.ListAsync(type, NeedsAttention, cancellationToken).ConfigureAwait(false));
        }

        html.Paragraph("Read-only: Bulwark.Sagas cannot yet retry or compensate a parked saga from outside; settle it by hand, then resume it from the application.", "muted");
        if (instances.Count == 0)
        {
            html.Paragraph($"No parked or compensating instance of {string.Join(", ", types)}.", "ok");
            return;
        }

        html.BeginTable("Sagas that need attention", "Saga", "Type", "Status", "Steps done", "Updated (UTC)", "Inspect");
        foreach (var saga in instances.OrderBy(s => s.UpdatedAt))
        {
            html.BeginRow(saga.SagaId.ToString());
            html.Cell(saga.SagaId.ToString());
            html.Cell(saga.SagaType);
            html.Cell(saga.Status.ToString(), saga.Status == SagaStatus.Parked ? "bad" : "warn");
            html.Cell(saga.CompletedSteps);
            html.Cell(saga.UpdatedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            html.BeginCell();
            html.Details($"Saga {saga.SagaId}", $"error: {saga.Error}\npending compensations: {saga.PendingCompensations}\nversion: {saga.Version}\n\ndata:\n{saga.Data}");
            html.EndCell();
            html.EndRow();
        }

        html.EndTable();
    }
}
