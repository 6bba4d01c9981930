import Fluent

/// Every schema change, in the one global order in which it is applied.
enum Migrations {
    static let all: [any Migration] = [
        SessionRecord.migration,
        CreateUser(),
        CreateAuditEntry(),
        CreateLoginAttempt(),
        CreatePortalSettings(),
        CreateSiteText(),
        CreateFeedback(),
        CreateJob(),
        CreateOutboxMail(),
        CreateFieldOfActionAndTopic(),
        CreateOrganisation(),
        CreatePerson(),
        CreateContact(),
        CreateImportBatch(),
        CreateCommittee(),
        CreateAttendanceAndTask(),
        UpdateOutboxMailAddAttachments(),
        UpdateCommitteesAddFilesApprovalAndUserPerson(),
        CreateEvents(),
        CreateEventDocumentation(),
        CreateWorkshops(),
        CreateFund(),
        CreateProjects(),
        CreateProjectDiaryPhotos(),
        CreateProjectDecisions(),
        CreateSurveys(),
        UpdateSurveysAddListIndexes(),
        CreateConcerns(),
        CreateNewsItems(),
        CreateContentTranslations(),
        CreateInfoPages(),
        CreateNewsletter(),
    ]
}
