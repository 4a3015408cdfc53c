package main

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/dbgen/dbgen/runtime"
	"github.com/dbgen/dbgen/schema"
)

// maxBody bounds a request body before it is decoded.
const maxBody = 1 << 20

// API is a small HTTP JSON API over the generated repositories. Revisions
// travel in ETag / If-Match headers, since decoding client JSON drops _rev.
type API struct {
	db  *schema.DB
	log *slog.Logger
}

// Handler routes the API.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /agents", a.listAgents)
	mux.HandleFunc("POST /agents", a.createAgent)
	mux.HandleFunc("GET /agents/{id}", a.getAgent)
	mux.HandleFunc("PUT /agents/{id}", a.replaceAgent)
	mux.HandleFunc("DELETE /agents/{id}", a.deleteAgent)
	mux.HandleFunc("GET /agents/{id}/deployments", a.agentDeployments)
	mux.HandleFunc("PUT /deployments/{name}", a.createDeployment)
	mux.HandleFunc("GET /deployments/{name}", a.getDeployment)
	mux.HandleFunc("GET /users/{id}", a.getUser)
	mux.HandleFunc("GET /datastore/{user}/{namespace}", a.listData)
	mux.HandleFunc("GET /datastore/{user}/{namespace}/{key}", a.getData)
	mux.HandleFunc("PUT /datastore/{user}/{namespace}/{key}", a.putData)
	return mux
}

// status maps the runtime's typed errors to HTTP statuses.
func status(err error) int {
	switch {
	case errors.Is(err, runtime.ErrInvalidID), errors.Is(err, runtime.ErrValidation), errors.Is(err, runtime.ErrInvalidArgument):
		return http.StatusBadRequest
	case errors.Is(err, runtime.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, runtime.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, runtime.ErrConflict), errors.Is(err, runtime.ErrAlreadyExists):
		return http.StatusConflict
	case errors.Is(err, runtime.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := status(err)
	msg := err.Error()
	if code == http.StatusInternalServerError {
		a.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = "internal error"
	}
	writeJSON(w, code, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeDoc(w http.ResponseWriter, code int, rev string, v any) {
	w.Header().Set("ETag", strconv.Quote(rev))
	writeJSON(w, code, v)
}

// ifMatch returns the revision of an If-Match header, or "".
func ifMatch(r *http.Request) string {
	v := r.Header.Get("If-Match")
	if s, err := strconv.Unquote(v); err == nil {
		return s
	}
	return v
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return nil, &runtime.Error{Kind: runtime.KindTooLarge, Err: err}
	}
	return b, nil
}

// readDoc reads a request body and decodes it with a generated decoder,
// which drops every `_`-prefixed member.
func readDoc[T any](w http.ResponseWriter, r *http.Request, decode func([]byte) (*T, error)) (*T, error) {
	body, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return decode(body)
}

func pageRequest(r *http.Request) (runtime.PageRequest, error) {
	req := runtime.PageRequest{Token: r.URL.Query().Get("pageToken")}
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return req, &runtime.Error{Kind: runtime.KindInvalidArgument, Err: errors.New("limit is not a number")}
		}
		req.Limit = n
	}
	return req, nil
}

type page[T any] struct {
	Items         []*T   `json:"items"`
	NextPageToken string `json:"nextPageToken,omitempty"`
}

func (a *API) listAgents(w http.ResponseWriter, r *http.Request) {
	req, err := pageRequest(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.db.Agents.ListPage(r.Context(), req)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page[schema.Agent]{Items: p.Items, NextPageToken: p.Next})
}

func (a *API) createAgent(w http.ResponseWriter, r *http.Request) {
	agent, err := readDoc(w, r, schema.DecodeAgent)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	agent.ID = schema.NewAgentID().String()
	agent.CreatedAt = runtime.Now()
	agent.UpdatedAt = agent.CreatedAt
	if err := a.db.Agents.Create(r.Context(), agent); err != nil {
		a.fail(w, r, err)
		return
	}
	writeDoc(w, http.StatusCreated, agent.Rev, agent)
}

func (a *API) getAgent(w http.ResponseWriter, r *http.Request) {
	id, err := schema.ParseAgentID(r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	agent, err := a.db.Agents.Get(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeDoc(w, http.StatusOK, agent.Rev, agent)
}

// replaceAgent needs If-Match: a write without the revision read could lose
// someone else's update.
func (a *API) replaceAgent(w http.ResponseWriter, r *http.Request) {
	id, err := schema.ParseAgentID(r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	agent, err := readDoc(w, r, schema.DecodeAgent)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	agent.ID, agent.Rev = id.String(), ifMatch(r)
	agent.UpdatedAt = runtime.Now()
	if err := a.db.Agents.Replace(r.Context(), agent); err != nil {
		a.fail(w, r, err)
		return
	}
	writeDoc(w, http.StatusOK, agent.Rev, agent)
}

func (a *API) deleteAgent(w http.ResponseWriter, r *http.Request) {
	id, err := schema.ParseAgentID(r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if rev := ifMatch(r); rev != "" {
		err = a.db.Agents.DeleteIfRev(r.Context(), id, rev)
	} else {
		err = a.db.Agents.Delete(r.Context(), id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) agentDeployments(w http.ResponseWriter, r *http.Request) {
	id, err := schema.ParseAgentID(r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	req, err := pageRequest(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.db.Deployments.FindByAgentIDPage(r.Context(), id.String(), req)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page[schema.Deployment]{Items: p.Items, NextPageToken: p.Next})
}

func (a *API) createDeployment(w http.ResponseWriter, r *http.Request) {
	name, err := schema.ParseDeploymentID(r.PathValue("name"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := readDoc(w, r, schema.DecodeDeployment)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d.ID, d.CreatedAt = name.String(), runtime.Now()
	agentID, err := schema.ParseAgentID(d.AgentID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if _, err := a.db.Agents.Get(r.Context(), agentID); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.db.Deployments.Create(r.Context(), d); err != nil {
		a.fail(w, r, err)
		return
	}
	writeDoc(w, http.StatusCreated, d.Rev, d)
}

func (a *API) getDeployment(w http.ResponseWriter, r *http.Request) {
	name, err := schema.ParseDeploymentID(r.PathValue("name"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.db.Deployments.Get(r.Context(), name)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeDoc(w, http.StatusOK, d.Rev, d)
}

// getUser never returns the user's API keys, only which ones are set.
func (a *API) getUser(w http.ResponseWriter, r *http.Request) {
	id, err := schema.ParseUserID(r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	u, err := a.db.Users.Get(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	keys := u.APIKeys
	u.APIKeys = schema.APIKeys{}
	writeDoc(w, http.StatusOK, u.Rev, struct {
		*schema.User
		APIKeysSet map[string]bool `json:"apiKeysSet"`
	}{u, map[string]bool{
		"openai": keys.OpenAIAPIKey != "", "anthropic": keys.AnthropicAPIKey != "", "gemini": keys.GeminiAPIKey != "",
		"perplexity": keys.PerplexityAPIKey != "", "openrouter": keys.OpenRouterAPIKey != "",
	}})
}

func (a *API) dataID(r *http.Request) (schema.DataStoreEntryID, error) {
	return schema.NewDataStoreEntryID(r.PathValue("user"), r.PathValue("namespace"), r.PathValue("key"))
}

func (a *API) getData(w http.ResponseWriter, r *http.Request) {
	id, err := a.dataID(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	e, err := a.db.AgentDataStore.Get(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeDoc(w, http.StatusOK, e.Rev, e)
}

// putData upserts a value: create if new, else update in place (retrying on
// concurrent writers, so no write is lost).
func (a *API) putData(w http.ResponseWriter, r *http.Request) {
	id, err := a.dataID(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	in, err := readDoc(w, r, schema.DecodeDataStoreEntry)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	now := runtime.Now()
	e := &schema.DataStoreEntry{
		ID: id.String(), UserID: r.PathValue("user"), Namespace: r.PathValue("namespace"), Key: r.PathValue("key"),
		Value: in.Value, Metadata: in.Metadata, CreatedByAgent: in.CreatedByAgent, CreatedAt: now, UpdatedAt: now,
	}
	err = a.db.AgentDataStore.Create(r.Context(), e)
	if errors.Is(err, runtime.ErrAlreadyExists) {
		e, err = a.db.AgentDataStore.Update(r.Context(), id, func(cur *schema.DataStoreEntry) error {
			cur.Value, cur.Metadata, cur.UpdatedAt = in.Value, in.Metadata, now
			return nil
		})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeDoc(w, http.StatusOK, e.Rev, e)
}

func (a *API) listData(w http.ResponseWriter, r *http.Request) {
	req, err := pageRequest(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.db.AgentDataStore.FindByUserIDAndNamespacePage(r.Context(), r.PathValue("user"), r.PathValue("namespace"), req)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page[schema.DataStoreEntry]{Items: p.Items, NextPageToken: p.Next})
}
