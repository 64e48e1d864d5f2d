package inference

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
)

// recommendedCache holds the Hub's task list (the recommended model of each
// task) once fetched; a failed fetch is not kept.
type recommendedCache struct {
	mu     sync.Mutex
	models map[Task]string
}

// recommendedModel returns the model the Hub recommends for task, used
// when neither the client nor the call names one.
func (c *Client) recommendedModel(ctx context.Context, task Task) (string, error) {
	c.recommended.mu.Lock()
	models := c.recommended.models
	c.recommended.mu.Unlock()
	if models == nil {
		// Fetched without the lock, so that a slow Hub does not hold
		// other callers past their own deadlines; concurrent first calls
		// may each fetch, which is harmless.
		fetched, err := c.fetchTaskList(ctx)
		if err != nil {
			return "", err
		}
		c.recommended.mu.Lock()
		c.recommended.models = fetched
		c.recommended.mu.Unlock()
		models = fetched
	}
	m := models[task]
	if m == "" {
		return "", fmt.Errorf("%w: %s: no model given and the Hub recommends none for this task; name one with WithModel or the Model call option",
			ErrInvalidOption, task)
	}
	return m, nil
}

// fetchTaskList reads GET /api/tasks: {task: {"widgetModels": [id, ...]}}.
func (c *Client) fetchTaskList(ctx context.Context) (map[Task]string, error) {
	h := http.Header{}
	h.Set("User-Agent", c.userAgent)
	op := "fetching the Hub's recommended models"
	r, err := c.roundTrip(ctx, &request{method: http.MethodGet, url: c.hubURL + "/api/tasks", header: h, op: op})
	if err != nil {
		return nil, withOp(op, err)
	}
	var list map[string]struct {
		WidgetModels []string `json:"widgetModels"`
	}
	if err := json.Unmarshal(r.data, &list); err != nil {
		return nil, fmt.Errorf("inference: %s: the Hub sent an unexpected task list: %w", op, err)
	}
	models := make(map[Task]string, len(list))
	for task, d := range list {
		if len(d.WidgetModels) > 0 {
			models[Task(task)] = d.WidgetModels[0]
		}
	}
	return models, nil
}
