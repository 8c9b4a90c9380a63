using Bulwark.ControlRoom.Alerts;
using Bulwark.ControlRoom.Drills;
using Bulwark.ControlRoom.Edge;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Hosting;

/// <summary>Checks what data annotations cannot reach: the nested drill report, alert and edge sections.</summary>
internal sealed class ControlRoomOptionsValidator : IValidateOptions<ControlRoomOptions>
{
    public ValidateOptionsResult Validate(string? name, ControlRoomOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new[] { DrillReportFolder.Validate(options.DrillReports), PrometheusAlerts.Validate(options.Alerts), EdgeRelease.Validate(options.Edge) }
            .OfType<string>()
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
