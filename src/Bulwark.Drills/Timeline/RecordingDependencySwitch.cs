using System.Globalization;
using Bulwark.Drills.Switches;

namespace Bulwark.Drills.Timeline;

/// <summary>
/// Puts every fault a drill switches on a dependency into the <see cref="DrillRecorder"/>, so the report shades the
/// window without each drill saying so. Keeps the inner switch's request counter visible when it has one.
/// </summary>
internal class RecordingDependencySwitch : IDependencySwitch
{
    private readonly IDependencySwitch _inner;
    private readonly DrillRecorder _recorder;

    protected RecordingDependencySwitch(IDependencySwitch inner, DrillRecorder recorder)
    {
        _inner = inner;
        _recorder = recorder;
    }

    public string Name => _inner.Name;

    public string Description => _inner.Description;

    protected IDependencySwitch Inner => _inner;

    /// <summary>Wraps <paramref name="inner"/>; the wrapper counts requests when the inner switch does.</summary>
    public static IDependencySwitch Wrap(IDependencySwitch inner, DrillRecorder recorder) =>
        inner switch
        {
            RecordingDependencySwitch => inner,
            IRequestCountingDependency => new Counting(inner, recorder),
            _ => new RecordingDependencySwitch(inner, recorder),
        };

    public async Task BreakAsync(DependencyFault fault, TimeSpan latency, CancellationToken cancellationToken)
    {
        await _inner.BreakAsync(fault, latency, cancellationToken).ConfigureAwait(false);
        // After the switch answered: the window shows when the fault was really on.
        _recorder.FaultOff(Name + ":");
        _recorder.FaultOn(fault == DependencyFault.Slow
            ? string.Create(CultureInfo.InvariantCulture, $"{Name}: {fault} {latency.TotalMilliseconds:0} ms")
            : $"{Name}: {fault}");
    }

    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        await _inner.RestoreAsync(cancellationToken).ConfigureAwait(false);
        _recorder.FaultOff(Name + ":");
    }

    private sealed class Counting(IDependencySwitch inner, DrillRecorder recorder) : RecordingDependencySwitch(inner, recorder), IRequestCountingDependency
    {
        public Task<long> GetRequestCountAsync(CancellationToken cancellationToken) =>
            ((IRequestCountingDependency)Inner).GetRequestCountAsync(cancellationToken);
    }
}
