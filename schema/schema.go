// Package schema declares the reference application's collections as
// annotated structs; dbgen turns them into typed, validated repositories in
// dbgen_gen.go. Stored names are the ones the old Python service wrote
// (camelCase, with a few older snake_case ones), so existing data stays
// readable on every provider. Each collection type keeps the members that
// other writers stored and this schema does not declare in Extra
// (dbgen:"rest"), so rewriting an old document never drops them.
package schema

//go:generate go run github.com/dbgen/dbgen/cmd/dbgen

import (
	"encoding/json"

	"github.com/dbgen/dbgen/runtime"
)

// Agent is an AI agent definition.
//
//dbgen:collection agents id=uuid
type Agent struct {
	ID                  string                     `json:"_id"`
	Rev                 string                     `json:"_rev,omitempty"`
	Extra               map[string]json.RawMessage `json:"-" dbgen:"rest"`
	Name                string                     `json:"name" validate:"required,max=200"`
	Description         string                     `json:"description,omitempty" validate:"max=5000"`
	Code                string                     `json:"code,omitempty" validate:"max=200000"`
	Docstring           string                     `json:"docstring,omitempty" validate:"max=20000"`
	FriendlyName        string                     `json:"friendlyName,omitempty" validate:"max=100"`
	Tools               map[string][]string        `json:"tools,omitempty" validate:"dive,dive,max=200"`
	SwaggerSpecs        []SwaggerSpec              `json:"swaggerSpecs,omitempty" validate:"max=50,dive"`
	InputSchema         json.RawMessage            `json:"inputSchema,omitempty"`
	OutputSchema        json.RawMessage            `json:"outputSchema,omitempty"`
	InvokableModels     json.RawMessage            `json:"invokableModels,omitempty"`
	GofannonAgents      []string                   `json:"gofannonAgents,omitempty" validate:"max=100,dive,uuid"`
	ComposerThoughts    json.RawMessage            `json:"composerThoughts,omitempty"`
	ComposerModelConfig json.RawMessage            `json:"composerModelConfig,omitempty"`
	DataStoreConfig     []DataStoreAccess          `json:"dataStoreConfig,omitempty" validate:"max=50,dive"`
	CreatedAt           runtime.Timestamp          `json:"created_at"`
	UpdatedAt           runtime.Timestamp          `json:"updated_at"`
}

// SwaggerSpec is an OpenAPI document an agent may call.
type SwaggerSpec struct {
	Name    string `json:"name" validate:"required,max=200"`
	Content string `json:"content" validate:"max=200000"`
}

// DataStoreAccess grants an agent access to one data-store namespace.
type DataStoreAccess struct {
	Namespace   string `json:"namespace" validate:"required,max=100"`
	Access      string `json:"access" validate:"required,oneof=read write both"`
	Description string `json:"description,omitempty" validate:"max=1000"`
}

// Deployment publishes an agent under a friendly name (the ID).
//
//dbgen:collection deployments
type Deployment struct {
	ID        string                     `json:"_id"`
	Rev       string                     `json:"_rev,omitempty"`
	Extra     map[string]json.RawMessage `json:"-" dbgen:"rest"`
	AgentID   string                     `json:"agentId" validate:"required,uuid" dbgen:"index"`
	CreatedAt runtime.Timestamp          `json:"createdAt"`
}

// User is an account, keyed by "provider:external-id".
//
//dbgen:collection users id=/^[A-Za-z0-9_-]+:[A-Za-z0-9_.@-]+$/
type User struct {
	ID          string                     `json:"_id"`
	Rev         string                     `json:"_rev,omitempty"`
	Extra       map[string]json.RawMessage `json:"-" dbgen:"rest"`
	BasicInfo   BasicInfo                  `json:"basicInfo"`
	BillingInfo BillingInfo                `json:"billingInfo"`
	UsageInfo   UsageInfo                  `json:"usageInfo"`
	APIKeys     APIKeys                    `json:"apiKeys"`
	CreatedAt   runtime.Timestamp          `json:"createdAt"`
	UpdatedAt   runtime.Timestamp          `json:"updatedAt"`
}

// BasicInfo is a user's profile.
type BasicInfo struct {
	DisplayName string `json:"displayName,omitempty" validate:"max=200"`
	Email       string `json:"email,omitempty" validate:"omitempty,email,max=254"`
}

// BillingInfo is a user's plan.
type BillingInfo struct {
	Plan   string `json:"plan,omitempty" validate:"omitempty,oneof=free pro enterprise"`
	Status string `json:"status,omitempty" validate:"omitempty,oneof=active past_due canceled"`
}

// UsageInfo tracks spending against the monthly allowance. Usage is capped
// so that a user document can never outgrow the provider's item limit.
type UsageInfo struct {
	MonthlyAllowance   float64           `json:"monthlyAllowance" validate:"gte=0"`
	AllowanceResetDate runtime.Timestamp `json:"allowanceResetDate"`
	SpendRemaining     float64           `json:"spendRemaining"`
	Usage              []UsageRecord     `json:"usage,omitempty" validate:"max=1000,dive"`
}

// UsageRecord is the cost of one model call.
type UsageRecord struct {
	Timestamp    runtime.Timestamp `json:"timestamp"`
	ResponseCost float64           `json:"responseCost" validate:"gte=0"`
	Metadata     json.RawMessage   `json:"metadata,omitempty"`
}

// APIKeys are the user's own model-provider keys: stored, never printed.
type APIKeys struct {
	OpenAIAPIKey     string `json:"openaiApiKey,omitempty" validate:"max=500" dbgen:"secret"`
	AnthropicAPIKey  string `json:"anthropicApiKey,omitempty" validate:"max=500" dbgen:"secret"`
	GeminiAPIKey     string `json:"geminiApiKey,omitempty" validate:"max=500" dbgen:"secret"`
	PerplexityAPIKey string `json:"perplexityApiKey,omitempty" validate:"max=500" dbgen:"secret"`
	OpenRouterAPIKey string `json:"openrouterApiKey,omitempty" validate:"max=500" dbgen:"secret"`
}

// UserSession is a signed-in browser session.
//
//dbgen:collection user_sessions
type UserSession struct {
	ID            string                     `json:"_id"`
	Rev           string                     `json:"_rev,omitempty"`
	Extra         map[string]json.RawMessage `json:"-" dbgen:"rest"`
	UserUID       string                     `json:"userUid" validate:"required,max=200"`
	ProviderType  string                     `json:"providerType" validate:"required,max=50"`
	DisplayName   string                     `json:"displayName,omitempty" validate:"max=200"`
	Email         string                     `json:"email,omitempty" validate:"omitempty,email,max=254"`
	Workspaces    []WorkspaceMembership      `json:"workspaces,omitempty" validate:"max=100,dive"`
	IsSiteAdmin   bool                       `json:"isSiteAdmin"`
	CreatedAt     runtime.Timestamp          `json:"createdAt"`
	UpdatedAt     runtime.Timestamp          `json:"updatedAt"`
	ExpiresAt     runtime.Timestamp          `json:"expiresAt"`
	LastRefreshAt runtime.Timestamp          `json:"lastRefreshAt"`
}

// WorkspaceMembership is a user's role in one workspace.
type WorkspaceMembership struct {
	WorkspaceID string `json:"workspaceId" validate:"required,max=100"`
	Role        string `json:"role" validate:"required,oneof=owner admin member viewer"`
}

// Session holds a chat session's provider configuration.
//
//dbgen:collection sessions
type Session struct {
	ID        string                     `json:"_id"`
	Rev       string                     `json:"_rev,omitempty"`
	Extra     map[string]json.RawMessage `json:"-" dbgen:"rest"`
	Provider  string                     `json:"provider,omitempty" validate:"max=100"`
	Model     string                     `json:"model,omitempty" validate:"max=200"`
	Config    json.RawMessage            `json:"config,omitempty"`
	CreatedAt runtime.Timestamp          `json:"createdAt"`
	UpdatedAt runtime.Timestamp          `json:"updatedAt"`
}

// Ticket is an asynchronous job.
//
//dbgen:collection tickets id=uuid
type Ticket struct {
	ID        string                     `json:"_id"`
	Rev       string                     `json:"_rev,omitempty"`
	Extra     map[string]json.RawMessage `json:"-" dbgen:"rest"`
	Status    string                     `json:"status" validate:"required,oneof=pending processing completed failed"`
	Request   json.RawMessage            `json:"request,omitempty"`
	Result    json.RawMessage            `json:"result,omitempty"`
	Error     string                     `json:"error,omitempty"`
	CreatedAt runtime.Timestamp          `json:"createdAt"`
	UpdatedAt runtime.Timestamp          `json:"updatedAt"`
}

// Demo is a generated web demo of some APIs.
//
//dbgen:collection demos id=uuid
type Demo struct {
	ID               string                     `json:"_id"`
	Rev              string                     `json:"_rev,omitempty"`
	Extra            map[string]json.RawMessage `json:"-" dbgen:"rest"`
	Name             string                     `json:"name" validate:"required,max=200"`
	Description      string                     `json:"description,omitempty" validate:"max=5000"`
	SelectedAPIs     []string                   `json:"selectedApis,omitempty" validate:"max=50,dive,max=200"`
	ModelConfig      json.RawMessage            `json:"modelConfig,omitempty"`
	UserPrompt       string                     `json:"userPrompt,omitempty" validate:"max=20000"`
	GeneratedCode    GeneratedCode              `json:"generatedCode"`
	ComposerThoughts json.RawMessage            `json:"composerThoughts,omitempty"`
	CreatedAt        runtime.Timestamp          `json:"createdAt"`
	UpdatedAt        runtime.Timestamp          `json:"updatedAt"`
}

// GeneratedCode is a demo's page.
type GeneratedCode struct {
	HTML string `json:"html,omitempty" validate:"max=100000"`
	CSS  string `json:"css,omitempty" validate:"max=100000"`
	JS   string `json:"js,omitempty" validate:"max=100000"`
}

// DataStoreEntry is one value in an agent's key-value store. Its ID is
// composed from userId, namespace and key by NewAgentDataStoreID, which
// escapes the parts so that no two part lists share an ID.
//
//dbgen:collection agent_data_store id=/^[A-Za-z0-9_.%-]+(:[A-Za-z0-9_.%-]+)+$/ key=userId,namespace,key
//dbgen:query userId,namespace
type DataStoreEntry struct {
	ID                  string                     `json:"_id"`
	Rev                 string                     `json:"_rev,omitempty"`
	Extra               map[string]json.RawMessage `json:"-" dbgen:"rest"`
	UserID              string                     `json:"userId" validate:"required,max=200" dbgen:"index"`
	Namespace           string                     `json:"namespace" validate:"required,max=100"`
	Key                 string                     `json:"key" validate:"required,max=200"`
	Value               json.RawMessage            `json:"value,omitempty"`
	Metadata            json.RawMessage            `json:"metadata,omitempty"`
	CreatedByAgent      string                     `json:"createdByAgent,omitempty" validate:"max=200"`
	LastAccessedByAgent string                     `json:"lastAccessedByAgent,omitempty" validate:"max=200"`
	AccessCount         int64                      `json:"accessCount" validate:"gte=0"`
	CreatedAt           runtime.Timestamp          `json:"createdAt"`
	UpdatedAt           runtime.Timestamp          `json:"updatedAt"`
	LastAccessedAt      runtime.Timestamp          `json:"lastAccessedAt"`
}

// AuditEntry records one site-admin action; the log is append-only.
//
//dbgen:collection site_admin_audit
//dbgen:query actorUid order=-ts
type AuditEntry struct {
	ID       string                     `json:"_id"`
	Rev      string                     `json:"_rev,omitempty"`
	Extra    map[string]json.RawMessage `json:"-" dbgen:"rest"`
	ActorUID string                     `json:"actorUid" validate:"required,max=200"`
	TS       runtime.Timestamp          `json:"ts"`
	Action   string                     `json:"action" validate:"required,max=100"`
	Target   string                     `json:"target,omitempty" validate:"max=200"`
	Details  json.RawMessage            `json:"details,omitempty"`
}
