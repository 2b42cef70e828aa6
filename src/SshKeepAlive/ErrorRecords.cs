using System;
using System.Management.Automation;

namespace SshKeepAlive
{
    /// <summary>Every ErrorRecord of the module is made here: a stable id, a category, a target, what to do next.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord Create(Exception exception, string id, ErrorCategory category, object? target, string recommendedAction)
        {
            var record = new ErrorRecord(exception, id, category, target);
            record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = recommendedAction };
            return record;
        }

        public static ErrorRecord Create(string message, string id, ErrorCategory category, object? target, string recommendedAction) =>
            Create(new InvalidOperationException(message), id, category, target, recommendedAction);
    }
}
