// Command example is a small application on the generated repositories of
// the reference schema. By default it walks through a realistic session on
// the configured provider (in-memory unless DATABASE_PROVIDER says
// otherwise), prints what happened and exits 0, or 1 if anything did not
// behave as it should. With -serve ADDR it serves the HTTP JSON API instead.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/dbgen/dbgen/runtime"
	_ "github.com/dbgen/dbgen/runtime/couchdb" // DATABASE_PROVIDER=couchdb
	"github.com/dbgen/dbgen/schema"
)

func main() {
	serve := flag.String("serve", "", "serve the HTTP API on this address instead of running the walkthrough")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if *serve != "" {
		err = serveAPI(ctx, *serve)
	} else {
		err = walkthrough(ctx, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

func openDB(ctx context.Context) (*schema.DB, error) {
	db, err := schema.Open(ctx)
	if err != nil {
		return nil, err
	}
	if err := db.Store().EnsureSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func serveAPI(ctx context.Context, addr string) error {
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	srv := &http.Server{Addr: addr, Handler: (&API{db: db, log: log}).Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Info("serving", "addr", addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// walkthrough is a realistic session. Each step checks its outcome, so the
// walkthrough doubles as a smoke test of the generated code.
func walkthrough(ctx context.Context, out io.Writer) error {
	db, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	step := func(format string, args ...any) { fmt.Fprintf(out, "• "+format+"\n", args...) }

	// Create an agent from client JSON: the _id and _rev it sends are dropped.
	agent, err := schema.DecodeAgent([]byte(`{"_id":"../../etc/passwd","_rev":"9-forged","_deleted":true,
		"name":"weather","description":"Answers weather questions","tools":{"http":["get_forecast"]},
		"inputSchema":{"type":"object","properties":{"city":{"type":"string"}}}}`))
	if err != nil {
		return err
	}
	if agent.ID != "" || agent.Rev != "" {
		return fmt.Errorf("client system fields were not stripped: %q %q", agent.ID, agent.Rev)
	}
	agent.ID, agent.CreatedAt = schema.NewAgentID().String(), runtime.Now()
	agent.UpdatedAt = agent.CreatedAt
	if err := db.Agents.Create(ctx, agent); err != nil {
		return err
	}
	step("created agent %s %q at revision %s (client-sent _id, _rev and _deleted dropped)", agent.ID, agent.Name, agent.Rev)
	agentID, err := schema.ParseAgentID(agent.ID)
	if err != nil {
		return err
	}

	// Deploy it under a friendly name, and find it by its agent.
	// Names are unique per run, so the walkthrough also runs on a persistent store.
	dep := &schema.Deployment{ID: "weather-bot-" + agent.ID[:8], AgentID: agent.ID, CreatedAt: runtime.Now()}
	if err := db.Deployments.Create(ctx, dep); err != nil {
		return err
	}
	again := &schema.Deployment{ID: dep.ID, AgentID: agent.ID}
	if err := db.Deployments.Create(ctx, again); !errors.Is(err, runtime.ErrAlreadyExists) {
		return fmt.Errorf("second deployment under the same name: %v, want already exists", err)
	}
	var names []string
	for d, err := range db.Deployments.FindByAgentID(ctx, agent.ID) {
		if err != nil {
			return err
		}
		names = append(names, d.ID)
	}
	step("deployed as %q; deployments of the agent (index query): %v; deploying the name twice: already exists", dep.ID, names)

	// Two editors read the same revision; the second write is refused.
	first, err := db.Agents.Get(ctx, agentID)
	if err != nil {
		return err
	}
	second := *first
	first.Description = "Forecasts for any city"
	if err := db.Agents.Replace(ctx, first); err != nil {
		return err
	}
	second.Description = "stale edit"
	err = db.Agents.Replace(ctx, &second)
	if !errors.Is(err, runtime.ErrConflict) {
		return fmt.Errorf("stale replace: %v, want a conflict", err)
	}
	step("update with a stale revision refused: %v", err)
	updated, err := db.Agents.Update(ctx, agentID, func(a *schema.Agent) error {
		a.FriendlyName, a.UpdatedAt = "Weather", runtime.Now()
		return nil
	})
	if err != nil {
		return err
	}
	step("Update (read-modify-write, retried on conflict) moved it to revision %s; description kept: %q", updated.Rev, updated.Description)

	// Bad input is refused before any I/O, with a typed error.
	_, err = schema.ParseAgentID("../../etc/passwd")
	if !errors.Is(err, runtime.ErrInvalidID) {
		return fmt.Errorf("invalid ID: %v", err)
	}
	step("invalid ID refused: %v", err)
	huge := *updated
	huge.Description = strings.Repeat("x", 5001)
	err = db.Agents.Replace(ctx, &huge)
	var verr *runtime.Error
	if !errors.As(err, &verr) || verr.Kind != runtime.KindValidation || verr.Field != "description" {
		return fmt.Errorf("oversized field: %v", err)
	}
	step("oversized field refused: %v", err)

	// A user whose API keys never reach a log line.
	user := &schema.User{ID: "google:" + runtime.NewHexID()[:12], BasicInfo: schema.BasicInfo{DisplayName: "Ada", Email: "ada@example.com"},
		APIKeys: schema.APIKeys{OpenAIAPIKey: "sk-live-do-not-print"}, CreatedAt: runtime.Now()}
	if err := db.Users.Create(ctx, user); err != nil {
		return err
	}
	if printed := fmt.Sprintf("%+v", user); strings.Contains(printed, "sk-live") {
		return fmt.Errorf("secret printed: %s", printed)
	}
	step("user %s stored; printed as %v", user.ID, user.APIKeys)

	// The agent's key-value store: composite IDs that cannot collide, queried
	// by user and namespace.
	for i, key := range []string{"favourite-city", "units", "last:query"} {
		id, err := schema.NewDataStoreEntryID(user.ID, "prefs", key)
		if err != nil {
			return err
		}
		e := &schema.DataStoreEntry{ID: id.String(), UserID: user.ID, Namespace: "prefs", Key: key,
			Value: []byte(fmt.Sprintf(`{"n":%d}`, i)), CreatedAt: runtime.Now()}
		if err := db.AgentDataStore.Create(ctx, e); err != nil {
			return err
		}
	}
	var keys []string
	for e, err := range db.AgentDataStore.FindByUserIDAndNamespace(ctx, user.ID, "prefs") {
		if err != nil {
			return err
		}
		keys = append(keys, e.Key)
	}
	if len(keys) != 3 {
		return fmt.Errorf("data store query returned %v", keys)
	}
	step("data store entries of %s/prefs: %v", user.ID, keys)

	// The admin audit log, newest first.
	base := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for i, action := range []string{"login", "grant-admin", "delete-agent"} {
		e := &schema.AuditEntry{ID: schema.NewAuditEntryID().String(), ActorUID: user.ID, Action: action,
			TS: runtime.Timestamp{Time: base.Add(time.Duration(i) * time.Minute)}}
		if err := db.SiteAdminAudit.Create(ctx, e); err != nil {
			return err
		}
	}
	var actions []string
	for e, err := range db.SiteAdminAudit.FindByActorUID(ctx, user.ID) {
		if err != nil {
			return err
		}
		actions = append(actions, e.Action)
		if len(actions) == 100 {
			break // top 100, without reading the rest
		}
	}
	if strings.Join(actions, ",") != "delete-agent,grant-admin,login" {
		return fmt.Errorf("audit log order: %v", actions)
	}
	step("audit log of %s, newest first: %v", user.ID, actions)
	step("done: provider %q", providerName())
	return nil
}

func providerName() string {
	if p := os.Getenv(runtime.ProviderEnv); p != "" {
		return p
	}
	return runtime.DefaultProvider
}
