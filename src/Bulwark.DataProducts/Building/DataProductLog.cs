using Microsoft.Extensions.Logging;

namespace Bulwark.DataProducts;

// One log class for the project, not a nested "Log" in each class: with two nested classes of the same name in one
// namespace, the logging source generator emitted them in either order from one build to the next, so two release
// builds of one commit differed in this assembly (ReleaseTests.ReleaseBuild_SameCommitTwice_*, twice in CI).
internal static partial class DataProductLog
{
    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Data product {Product} version {Version} published: {Rows} rows, {LeftOut} rows of forgotten subjects left out, event log read to position {Position}.")]
    public static partial void Built(ILogger logger, string product, long version, long rows, long leftOut, long position);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Error, Message = "Data product {Product} failed to build; the previous version stays published, next try in {Interval}.")]
    public static partial void BuildFailed(ILogger logger, Exception exception, string product, TimeSpan interval);
}
